/**
 * Administrative divisions (GB/T 2260): the one region table of the platform, zod-free so the
 * mini-program can import it from `@onevisit/shared-types/client`.
 *
 * - All 34 province-level divisions, code `xx0000` (the same prefixes as `PROVINCE_PREFIXES`).
 * - For the reference deployment's home province, Hunan (430000): its 14 cities / prefectures
 *   and 122 county-level divisions (2023 edition: 渌口区, 邵东市, 祁阳市 included), so a citizen
 *   picks 市 → 区县. Elsewhere in China the citizen picks the province and writes the city and
 *   district as text: the platform carries no national city table.
 *
 * Codes are six digits: `PP0000` a province, `PPCC00` a city (prefecture), `PPCCDD` a
 * county-level division. Lookups never throw; an unknown code is simply not found.
 */
export interface Region {
  code: string;
  name: string;
}
export interface City extends Region {
  districts: Region[];
}

export type RegionLevel = 'province' | 'city' | 'district';

/** A code found in the table, with its level and the codes above it. */
export interface RegionInfo extends Region {
  level: RegionLevel;
  provinceCode: string;
  /** The city of a district (and of a city: its own code). */
  cityCode?: string;
}

/** Province-level divisions, code `xx0000`. */
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

/** The province whose cities and districts are listed (the reference deployment's). */
export const HOME_PROVINCE: Region = { code: '430000', name: '湖南省' };

/** Provinces whose cities and districts the table lists, by province code. */
const CITY_TABLES: ReadonlyMap<string, City[]> = new Map([[HOME_PROVINCE.code, HUNAN_CITIES]]);

const INDEX: ReadonlyMap<string, RegionInfo> = (() => {
  const index = new Map<string, RegionInfo>();
  for (const p of PROVINCES) index.set(p.code, { ...p, level: 'province', provinceCode: p.code });
  for (const [provinceCode, cities] of CITY_TABLES) {
    for (const c of cities) {
      index.set(c.code, { code: c.code, name: c.name, level: 'city', provinceCode, cityCode: c.code });
      for (const x of c.districts) index.set(x.code, { ...x, level: 'district', provinceCode, cityCode: c.code });
    }
  }
  return index;
})();

const CODE = /^\d{6}$/;

/** A province, or a city or district of a listed province, by its code; undefined otherwise. */
export function regionByCode(code: string): RegionInfo | undefined {
  return typeof code === 'string' ? INDEX.get(code) : undefined;
}

/** The cities (with districts) of a province, when the table lists them (Hunan); undefined otherwise. */
export function citiesOf(provinceCode: string): City[] | undefined {
  return CITY_TABLES.get(provinceCode);
}

export interface RegionPath {
  province?: Region;
  city?: City;
  district?: Region;
}

/** Where a code sits: its province, and for a listed province its city and district. */
export function regionPath(code: string): RegionPath {
  if (typeof code !== 'string' || !CODE.test(code)) return {};
  const province = PROVINCES.find((p) => p.code.slice(0, 2) === code.slice(0, 2));
  if (!province) return {};
  const cities = CITY_TABLES.get(province.code);
  if (!cities) return { province };
  const city = cities.find((c) => c.code.slice(0, 4) === code.slice(0, 4));
  if (!city) return { province };
  const district = city.districts.find((x) => x.code === code);
  return { province, city, district };
}

/** Longest free-text city or district name (新疆's and 西藏's longest prefecture names fit). */
export const REGION_NAME_MAX_LENGTH = 30;

const FORBIDDEN_TEXT = /[\u0000-\u001F\u007F-\u009F\u2028\u2029<>]/;

export type RegionPathCheck = { ok: true } | { ok: false; field: 'province' | 'city' | 'district'; message: string };

/**
 * Whether province → city → district is a real path, and if not which part is wrong (with a
 * sentence to show beside it).
 *
 * - province: a province-level code `xx0000`.
 * - For a listed province (Hunan): city must be one of its city codes, district one of that
 *   city's county-level codes.
 * - Otherwise city and district are free-text names (1–30 characters) — or, when a caller has
 *   codes, 6-digit codes that are consistent with the province (and the district with the city).
 */
export function checkRegionPath(province: string, city: string, district: string): RegionPathCheck {
  const p = typeof province === 'string' ? INDEX.get(province) : undefined;
  if (!p || p.level !== 'province') return { ok: false, field: 'province', message: '请选择正确的省份' };
  const cities = CITY_TABLES.get(p.code);
  if (cities) {
    const c = typeof city === 'string' ? INDEX.get(city) : undefined;
    if (!c || c.level !== 'city' || c.provinceCode !== p.code) return { ok: false, field: 'city', message: `请选择${p.name}的城市` };
    const x = typeof district === 'string' ? INDEX.get(district) : undefined;
    if (!x || x.level !== 'district' || x.cityCode !== c.code) return { ok: false, field: 'district', message: `请选择${c.name}的区县` };
    return { ok: true };
  }
  const freeText = (v: unknown): v is string => {
    if (typeof v !== 'string') return false;
    const n = Array.from(v.trim()).length;
    return n >= 1 && n <= REGION_NAME_MAX_LENGTH && !FORBIDDEN_TEXT.test(v);
  };
  if (!freeText(city)) return { ok: false, field: 'city', message: '请填写城市' };
  if (CODE.test(city.trim()) && (city.trim().slice(0, 2) !== p.code.slice(0, 2) || !/00$/.test(city.trim()) || /0000$/.test(city.trim()))) {
    return { ok: false, field: 'city', message: `城市不属于${p.name}` };
  }
  if (!freeText(district)) return { ok: false, field: 'district', message: '请填写区县' };
  const dc = district.trim();
  if (CODE.test(dc)) {
    const prefix = CODE.test(city.trim()) ? city.trim().slice(0, 4) : p.code.slice(0, 2);
    if (!dc.startsWith(prefix) || /00$/.test(dc)) return { ok: false, field: 'district', message: '区县不属于所选城市' };
  }
  return { ok: true };
}

/** True when province → city → district is a real path (see `checkRegionPath`). */
export function isValidRegionPath(province: string, city: string, district: string): boolean {
  return checkRegionPath(province, city, district).ok;
}

function nameOf(part: string | undefined): string {
  if (!part) return '';
  const text = part.trim();
  return INDEX.get(text)?.name ?? text;
}

/**
 * Names for display or a postal label: `formatRegion('430000', '430100', '430102')` →
 * `湖南省长沙市芙蓉区`; free-text parts as they are (`formatRegion('440000', '深圳市', '南山区')`
 * → `广东省深圳市南山区`); a city named like its province (北京市 北京市) is written once.
 * An unknown code is shown as it is.
 */
export function formatRegion(province: string, city?: string, district?: string, separator = ''): string {
  const parts = [nameOf(province), nameOf(city), nameOf(district)].filter(Boolean);
  const out: string[] = [];
  for (const part of parts) if (out[out.length - 1] !== part) out.push(part);
  return out.join(separator);
}
