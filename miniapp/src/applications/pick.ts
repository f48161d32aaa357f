import Taro from '@tarojs/taro';
import { MATERIAL_MIMES_ALLOWED } from '@onevisit/shared-types/client';
import type { PickedFile } from './files';

/**
 * Choosing a file to upload, per platform, without action sheets (one button per source, so elder
 * mode has no pop-up and a browser test knows what it clicks):
 * - WeChat: camera and album through `chooseMedia` (or `chooseImage` on an old base library), and
 *   a PDF or image from a chat through `chooseMessageFile`;
 * - Alipay: camera and album through `chooseMedia` where the base library has it, `chooseImage`
 *   otherwise;
 * - H5: a file input — with `capture` for the camera, and for "file" accepting images and PDF
 *   (Taro's H5 chooseImage accepts images only). Its blob URL is what Taro.uploadFile takes.
 */
export type PickSource = 'camera' | 'album' | 'chat' | 'file';

export const PICK_SOURCE_LABELS: Record<PickSource, string> = {
  camera: '拍照上传',
  album: '从相册选择',
  chat: '从聊天文件选择',
  file: '选择图片或 PDF',
};

export function pickSources(): PickSource[] {
  if (process.env.TARO_ENV === 'weapp') return ['camera', 'album', 'chat'];
  if (process.env.TARO_ENV === 'alipay') return ['camera', 'album'];
  return ['camera', 'file'];
}

/** The citizen closed the picker: not an error. */
export function isPickCancelled(err: unknown): boolean {
  const e = (err && typeof err === 'object' ? err : {}) as Record<string, unknown>;
  // Alipay: error 11 is "user cancelled"
  if (e.error === 11) return true;
  const msg = [e.errMsg, e.errorMessage, e.message].find((m): m is string => typeof m === 'string') ?? '';
  return /cancel|取消/i.test(msg);
}

async function pickImage(source: 'camera' | 'album'): Promise<PickedFile | null> {
  if (typeof Taro.chooseMedia === 'function') {
    const res = await Taro.chooseMedia({ count: 1, mediaType: ['image'], sourceType: [source], sizeType: ['compressed'] });
    const f = res.tempFiles?.[0];
    return f ? { path: f.tempFilePath, size: f.size, type: 'image' } : null;
  }
  const res = await Taro.chooseImage({ count: 1, sourceType: [source], sizeType: ['compressed'] });
  const f = res.tempFiles?.[0];
  const path = f?.path ?? res.tempFilePaths?.[0];
  return path ? { path, size: f?.size, type: 'image' } : null;
}

async function pickChatFile(): Promise<PickedFile | null> {
  const res = await Taro.chooseMessageFile({ count: 1, type: 'file', extension: ['pdf', 'jpg', 'jpeg', 'png', 'heic'] });
  const f = res.tempFiles?.[0];
  return f ? { path: f.path, size: f.size, name: f.name } : null;
}

const BROWSER_ACCEPT = [...MATERIAL_MIMES_ALLOWED, '.pdf', '.heic', '.heif'].join(',');

/** H5: a hidden file input, clicked from the tap; resolves null when the chooser is cancelled. */
function pickInBrowser(source: 'camera' | 'file'): Promise<PickedFile | null> {
  return new Promise((resolve) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = source === 'camera' ? 'image/*' : BROWSER_ACCEPT;
    if (source === 'camera') input.setAttribute('capture', 'environment');
    input.className = `apply-file-input apply-file-input-${source}`;
    input.setAttribute('style', 'position:fixed;left:-9999px;top:0;width:1px;height:1px;opacity:0;');
    let settled = false;
    const done = (file: PickedFile | null) => {
      if (settled) return;
      settled = true;
      input.remove();
      resolve(file);
    };
    input.addEventListener('change', () => {
      const f = input.files && input.files[0];
      done(f ? { path: URL.createObjectURL(f), size: f.size, name: f.name, type: f.type || undefined } : null);
    });
    input.addEventListener('cancel', () => done(null));
    document.body.appendChild(input);
    input.click();
  });
}

/** Opens the chooser of `source`; null when the citizen cancels. Rejects when the platform refuses (no permission). */
export async function pickFile(source: PickSource): Promise<PickedFile | null> {
  try {
    if (process.env.TARO_ENV === 'h5') return await pickInBrowser(source === 'file' || source === 'chat' ? 'file' : 'camera');
    if (source === 'chat') return await pickChatFile();
    return await pickImage(source === 'file' ? 'album' : source);
  } catch (err) {
    if (isPickCancelled(err)) return null;
    throw err;
  }
}

/** Why the chooser did not open, for the citizen. */
export function pickErrorMessage(err: unknown): string {
  const e = (err && typeof err === 'object' ? err : {}) as Record<string, unknown>;
  const msg = [e.errMsg, e.errorMessage, e.message].find((m): m is string => typeof m === 'string') ?? '';
  if (/auth|permission|deny|denied|权限/i.test(msg)) return '没有相机或相册的使用权限，请在设置中允许后重试';
  return '未能打开相机或相册，请重试';
}
