import { PostalAddressSchema } from './addresses';

const good = { recipientName: '张三', phone: '13800138000', province: '430000', city: '430100', district: '430104', detail: '麓山南路932号' };

function issues(input: unknown): Record<string, string> {
  const r = PostalAddressSchema.safeParse(input);
  if (r.success) return {};
  return Object.fromEntries(r.error.issues.map((i) => [String(i.path[0] ?? '_'), i.message]));
}

describe('PostalAddressSchema', () => {
  it('accepts a Hunan address by codes and trims every text', () => {
    expect(PostalAddressSchema.parse({ ...good, recipientName: ' 张三 ', detail: ' 麓山南路932号 ', postcode: '410082' })).toEqual({ ...good, postcode: '410082' });
    expect(PostalAddressSchema.parse(good)).toEqual(good);
  });

  it('accepts another province by its code with city and district as text', () => {
    const gd = { ...good, province: '440000', city: '深圳市', district: '南山区', detail: '科技园南区1栋' };
    expect(PostalAddressSchema.parse(gd)).toEqual(gd);
    expect(PostalAddressSchema.safeParse({ ...good, province: '110000', city: '北京市', district: '朝阳区', detail: '建国门外大街1号' }).success).toBe(true);
  });

  it('names the field of each problem', () => {
    expect(issues({ ...good, recipientName: '张' })).toEqual({ recipientName: '收件人姓名至少2个字' });
    expect(issues({ ...good, recipientName: '张'.repeat(31) })).toEqual({ recipientName: '收件人姓名不能超过30个字' });
    expect(issues({ ...good, recipientName: '' })).toEqual({ recipientName: '请填写收件人姓名' });
    expect(issues({ ...good, phone: '1380013800' })).toEqual({ phone: '收件人手机号码不正确' });
    expect(issues({ ...good, phone: '12800138000' })).toEqual({ phone: '收件人手机号码不正确' });
    expect(issues({ ...good, province: '430100' })).toEqual({ province: '请选择正确的省份' });
    expect(issues({ ...good, city: '430200' })).toEqual({ district: '请选择株洲市的区县' });
    expect(issues({ ...good, city: '长沙市' })).toEqual({ city: '请选择湖南省的城市' });
    expect(issues({ ...good, district: '430202' })).toEqual({ district: '请选择长沙市的区县' });
    expect(issues({ ...good, detail: '麓山南路' })).toEqual({ detail: '详细地址至少5个字' });
    expect(issues({ ...good, detail: '路'.repeat(121) })).toEqual({ detail: '详细地址不能超过120个字' });
    expect(issues({ ...good, detail: '麓山南路\n932号' })).toEqual({ detail: '详细地址包含不允许的字符' });
    expect(issues({ ...good, postcode: '41008' })).toEqual({ postcode: '邮政编码应为6位数字' });
    expect(issues({ ...good, province: '440000', city: '深圳市', district: '' })).toEqual({ district: '请填写区县' });
  });

  it('reports several problems at once, each on its field, once', () => {
    expect(issues({ ...good, phone: 'x', city: '', detail: 'abc' })).toEqual({ phone: '收件人手机号码不正确', city: '请填写城市', detail: '详细地址至少5个字' });
    const r = PostalAddressSchema.safeParse({ ...good, city: '' });
    expect(r.success).toBe(false);
    if (!r.success) expect(r.error.issues.map((i) => i.path.join('.'))).toEqual(['city']);
  });

  it('refuses missing fields and wrong types with the field named', () => {
    const { phone: _phone, ...noPhone } = good;
    expect(issues(noPhone)).toEqual({ phone: '请填写收件人手机号码' });
    expect(issues({ ...good, district: 430104 })).toEqual({ district: '请填写区县' });
  });

  it('counts characters, not UTF-16 units', () => {
    expect(PostalAddressSchema.safeParse({ ...good, recipientName: '𠀋'.repeat(30) }).success).toBe(true);
  });
});
