/**
 * Administrative divisions for `region` form fields. shared-types' `checkRegion` takes a 6-digit
 * GB/T 2260 code whose first two digits are a province (`PROVINCE_PREFIXES`), optionally followed
 * by a space and a free-text detail (street and number): `430102 五一大道1号`.
 *
 * The reference deployment is Hunan: its 14 cities / prefectures and 122 county-level divisions
 * are listed here, so a citizen picks 市 → 区县 and types the street. Elsewhere in China the
 * citizen picks the province (its `xx0000` code) and writes the rest in the detail: the platform
 * carries no national table. A deployment in another province replaces `HOME_PROVINCE`.
 */
export interface Region {
  code: string;
  name: string;
}
export interface City extends Region {
  districts: Region[];
}

/** Province-level divisions, code `xx0000` (the same prefixes as shared-types' `PROVINCE_PREFIXES`). */
export const PROVINCES: Region[] = [
  ['11', '北京市'], ['12', '天津市'], ['13', '河北省'], ['14', '山西省'], ['15', '内蒙古自治区'],
  ['21', '辽宁省'], ['22', '吉林省'], ['23', '黑龙江省'], ['31', '上海市'], ['32', '江苏省'],
  ['33', '浙江省'], ['34', '安徽省'], ['35', '福建省'], ['36', '江西省'], ['37', '山东省'],
  ['41', '河南省'], ['42', '湖北省'], ['43', '湖南省'], ['44', '广东省'], ['45', '广西壮族自治区'],
  ['46', '海南省'], ['50', '重庆市'], ['51', '四川省'], ['52', '贵州省'], ['53', '云南省'],
  ['54', '西藏自治区'], ['61', '陕西省'], ['62', '甘肃省'], ['63', '青海省'], ['64', '宁夏回族自治区'],
  ['65', '新疆维吾尔自治区'], ['71', '台湾省'], ['81', '香港特别行政区'], ['82', '澳门特别行政区'],
].map(([p, name]) => ({ code: `${p}0000`, name }));

const d = (list: string): Region[] =>
  list.split(' ').map((pair) => {
    const [code, name] = pair.split(':');
    return { code, name };
  });

/** Hunan (430000): cities and prefectures with their county-level divisions (GB/T 2260, 2023). */
export const HUNAN_CITIES: City[] = [
  { code: '430100', name: '长沙市', districts: d('430102:芙蓉区 430103:天心区 430104:岳麓区 430105:开福区 430111:雨花区 430112:望城区 430121:长沙县 430181:浏阳市 430182:宁乡市') },
  { code: '430200', name: '株洲市', districts: d('430202:荷塘区 430203:芦淞区 430204:石峰区 430211:天元区 430212:渌口区 430223:攸县 430224:茶陵县 430225:炎陵县 430281:醴陵市') },
  { code: '430300', name: '湘潭市', districts: d('430302:雨湖区 430304:岳塘区 430321:湘潭县 430381:湘乡市 430382:韶山市') },
  { code: '430400', name: '衡阳市', districts: d('430405:珠晖区 430406:雁峰区 430407:石鼓区 430408:蒸湘区 430412:南岳区 430421:衡阳县 430422:衡南县 430423:衡山县 430424:衡东县 430426:祁东县 430481:耒阳市 430482:常宁市') },
  { code: '430500', name: '邵阳市', districts: d('430502:双清区 430503:大祥区 430511:北塔区 430522:新邵县 430523:邵阳县 430524:隆回县 430525:洞口县 430527:绥宁县 430528:新宁县 430529:城步苗族自治县 430581:武冈市 430582:邵东市') },
  { code: '430600', name: '岳阳市', districts: d('430602:岳阳楼区 430603:云溪区 430611:君山区 430621:岳阳县 430623:华容县 430624:湘阴县 430626:平江县 430681:汨罗市 430682:临湘市') },
  { code: '430700', name: '常德市', districts: d('430702:武陵区 430703:鼎城区 430721:安乡县 430722:汉寿县 430723:澧县 430724:临澧县 430725:桃源县 430726:石门县 430781:津市市') },
  { code: '430800', name: '张家界市', districts: d('430802:永定区 430811:武陵源区 430821:慈利县 430822:桑植县') },
  { code: '430900', name: '益阳市', districts: d('430902:资阳区 430903:赫山区 430921:南县 430922:桃江县 430923:安化县 430981:沅江市') },
  { code: '431000', name: '郴州市', districts: d('431002:北湖区 431003:苏仙区 431021:桂阳县 431022:宜章县 431023:永兴县 431024:嘉禾县 431025:临武县 431026:汝城县 431027:桂东县 431028:安仁县 431081:资兴市') },
  { code: '431100', name: '永州市', districts: d('431102:零陵区 431103:冷水滩区 431122:东安县 431123:双牌县 431124:道县 431125:江永县 431126:宁远县 431127:蓝山县 431128:新田县 431129:江华瑶族自治县 431181:祁阳市') },
  { code: '431200', name: '怀化市', districts: d('431202:鹤城区 431221:中方县 431222:沅陵县 431223:辰溪县 431224:溆浦县 431225:会同县 431226:麻阳苗族自治县 431227:新晃侗族自治县 431228:芷江侗族自治县 431229:靖州苗族侗族自治县 431230:通道侗族自治县 431281:洪江市') },
  { code: '431300', name: '娄底市', districts: d('431302:娄星区 431321:双峰县 431322:新化县 431381:冷水江市 431382:涟源市') },
  { code: '433100', name: '湘西土家族苗族自治州', districts: d('433101:吉首市 433122:泸溪县 433123:凤凰县 433124:花垣县 433125:保靖县 433126:古丈县 433127:永顺县 433130:龙山县') },
];

/** The province whose cities and districts the picker lists. */
export const HOME_PROVINCE: Region = { code: '430000', name: '湖南省' };

/** A region field's value, split: the 6-digit code and the free text after it. */
export interface RegionValue {
  code: string;
  detail: string;
}

export function parseRegionValue(value: unknown): RegionValue {
  if (typeof value !== 'string') return { code: '', detail: '' };
  // the detail is kept as typed (a trailing space is the citizen still typing); the shared
  // validator trims and normalises it when the form is checked
  const m = /^(\d{6})(?:\s([\s\S]*))?$/.exec(value.replace(/^\s+/, ''));
  if (!m) return { code: '', detail: '' };
  return { code: m[1], detail: m[2] ?? '' };
}

/** `{430102, 五一大道1号}` → `430102 五一大道1号`; nothing chosen → `''` (not filled). */
export function formatRegionValue({ code, detail }: RegionValue): string {
  if (!code) return '';
  return detail.trim() ? `${code} ${detail}` : code;
}

export interface RegionPath {
  province?: Region;
  city?: City;
  district?: Region;
}

/** Where a code sits: province, and for the home province its city and district. */
export function regionPath(code: string): RegionPath {
  if (!/^\d{6}$/.test(code)) return {};
  const province = PROVINCES.find((p) => p.code.slice(0, 2) === code.slice(0, 2));
  if (!province) return {};
  if (province.code !== HOME_PROVINCE.code) return { province };
  const city = HUNAN_CITIES.find((c) => c.code.slice(0, 4) === code.slice(0, 4));
  if (!city) return { province };
  const district = city.districts.find((x) => x.code === code);
  return { province, city, district };
}

/** `430102` → `湖南省 长沙市 芙蓉区`; an unknown code is shown as it is. */
export function regionName(code: string): string {
  const { province, city, district } = regionPath(code);
  if (!province) return code;
  return [province.name, city?.name, district?.name].filter(Boolean).join(' ');
}

/** A region value for display: `湖南省 长沙市 芙蓉区 五一大道1号`. */
export function regionLabel(value: unknown): string {
  const { code, detail } = parseRegionValue(value);
  if (!code) return detail;
  return detail ? `${regionName(code)} ${detail}` : regionName(code);
}
