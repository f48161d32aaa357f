export * from './port';
export { MATERIAL_MIMES, SNIFF_BYTES, checkUpload, extensionOf, sniffMime, type MaterialMime } from './sniff';
export { createLocalStorage, defaultMaterialsDir, type LocalStorageOptions } from './local';
