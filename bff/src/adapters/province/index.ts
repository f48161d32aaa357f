/** The provincial platform's push API: port and client (see `./client.ts` for the protocol). */
export * from './port';
export { createProvinceClient, catalogVersionTag, classifyRefusal, PROVINCE_SYSTEM, type ProvinceClientOptions } from './client';
