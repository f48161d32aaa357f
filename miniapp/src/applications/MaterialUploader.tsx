import { useRef, useState } from 'react';
import { Image, Text, View } from '@tarojs/components';
import { uploads } from '../api';
import { InlineError, InlineNotice } from '../components/Inline';
import { Button } from '../components/nutui';
import { Pill } from '../components/Pill';
import { materialFormLabel } from '../utils/format';
import { DateField } from './controls';
import { checkPickedFile, fileKind, fileSizeLabel, MAX_MATERIAL_MB, uploadErrorMessage, type PickedFile } from './files';
import { pickErrorMessage, pickFile, pickSources, PICK_SOURCE_LABELS, type PickSource } from './pick';
import { MAX_FILES_PER_MATERIAL, type AttachedFile, type MaterialEntry, type MaterialSpec } from './submission';

let localSeq = 0;
const localId = () => `f${Date.now().toString(36)}${(++localSeq).toString(36)}`;

interface Props {
  /** Position in the list: the wrapper is `<prefix>-upload-<index>`. */
  index: number;
  spec: MaterialSpec;
  entry: MaterialEntry;
  update: (change: (entry: MaterialEntry) => MaterialEntry) => void;
  /** The material's problem (from checking the whole form). */
  error?: string;
  /** 容缺: offer 稍后补交 with a promised date in this range. */
  later?: { start: string; end: string; initial: string };
  maxFiles?: number;
  /** Selector prefix: `apply` on the form, `case-supplement` / `case-pending` on a case. */
  prefix?: string;
  /** The 必交 / 容缺 / form tags (the form shows them; a case's answer needs fewer). */
  showTags?: boolean;
  /** The material's name as a heading (a single pending material's row has its own). */
  showName?: boolean;
  disabled?: boolean;
}

interface Uploading {
  path: string;
  kind: ReturnType<typeof fileKind>;
  percent: number;
  /** The file being replaced, if any. */
  replacing?: string;
}

/**
 * One material: its name, note and marks, the files attached (thumbnail, name, size, 重新上传,
 * 删除), the upload in progress with its percentage, a Chinese line when a file is refused, the
 * buttons of each source (camera, album, chat file / browser file), and for 容缺 materials
 * 稍后补交 with the promised date.
 */
export function MaterialUploader({ index, spec, entry, update, error, later, maxFiles = MAX_FILES_PER_MATERIAL, prefix = 'apply', showTags = true, showName = true, disabled = false }: Props) {
  const [uploading, setUploading] = useState<Uploading | null>(null);
  const [uploadError, setUploadError] = useState<string>();
  const [replacing, setReplacing] = useState<string>();
  const busy = useRef(false);
  const c = (name: string) => `${prefix}-${name}`;

  const choose = async (source: PickSource) => {
    if (busy.current || disabled) return;
    setUploadError(undefined);
    let picked: PickedFile | null;
    try {
      picked = await pickFile(source);
    } catch (err) {
      setUploadError(pickErrorMessage(err));
      return;
    }
    if (!picked) return;
    const problem = checkPickedFile(picked);
    if (problem) {
      setUploadError(problem);
      return;
    }
    const target = replacing;
    busy.current = true;
    setUploading({ path: picked.path, kind: fileKind(picked), percent: 0, ...(target ? { replacing: target } : {}) });
    try {
      const up = await uploads.upload({
        filePath: picked.path,
        ...(picked.name ? { fileName: picked.name } : {}),
        onProgress: (percent) => setUploading((u) => (u ? { ...u, percent: Math.max(u.percent, Math.min(100, percent)) } : u)),
      });
      const file: AttachedFile = {
        id: localId(),
        uploadId: up.uploadId,
        fileName: picked.name || up.fileName,
        contentType: up.contentType,
        bytes: up.bytes,
        localPath: picked.path,
      };
      update((e) => {
        const at = target ? e.files.findIndex((f) => f.id === target) : -1;
        const files = at >= 0 ? e.files.map((f, i) => (i === at ? file : f)) : [...e.files, file];
        return { ...e, files, later: false };
      });
      setReplacing(undefined);
    } catch (err) {
      setUploadError(uploadErrorMessage(err));
    } finally {
      busy.current = false;
      setUploading(null);
    }
  };

  const remove = (id: string) => {
    if (replacing === id) setReplacing(undefined);
    update((e) => ({ ...e, files: e.files.filter((f) => f.id !== id) }));
  };

  const canAdd = entry.files.length < maxFiles || !!replacing;
  const offerLater = !!later && entry.files.length === 0 && !uploading;

  return (
    <View id={c(`upload-${index}`)} className={`ov-apply-material ${c('upload')} ${c(`upload-${index}`)}${error ? ' ov-apply-material--invalid' : ''}`}>
      {showName ? (
        <View className='ov-apply-material-head'>
          <Text className='ov-material-name'>{spec.name}</Text>
        </View>
      ) : null}
      {showTags ? (
        <View className='ov-material-tags'>
          <Pill tone={spec.required ? 'red' : 'gray'} className={spec.required ? c('material-required') : c('material-optional')}>
            {spec.required ? '必交' : '选交'}
          </Pill>
          {spec.form ? <Pill tone='blue'>{materialFormLabel(spec.form, spec.copies ?? 1)}</Pill> : null}
          {spec.lateAllowed ? (
            <Pill tone='orange' className={c('material-late')}>
              容缺受理·可后补
            </Pill>
          ) : null}
        </View>
      ) : null}
      {spec.note ? <Text className='ov-material-note'>{spec.note}</Text> : null}
      {spec.forItems && spec.forItems.length > 1 ? <Text className='ov-material-note'>用于：{spec.forItems.join('、')}</Text> : null}

      {entry.later && later ? (
        <View className={`ov-apply-later ${c('later-box')}`}>
          <InlineNotice>已选择稍后补交：受理后请在承诺日期前上传，逾期可能影响办理。</InlineNotice>
          <View className='ov-apply-later-date'>
            <Text className='ov-field-label'>承诺补交日期</Text>
            <View className='ov-field-box'>
              <DateField
                className={c('promise')}
                value={entry.promisedBy}
                start={later.start}
                end={later.end}
                placeholder='请选择补交日期'
                onChange={(promisedBy) => update((e) => ({ ...e, promisedBy }))}
              />
            </View>
          </View>
          <Button className={`ov-apply-small-button ${c('later-cancel')}`} size='small' fill='outline' type='primary' onClick={() => update((e) => ({ ...e, later: false }))}>
            改为现在上传
          </Button>
        </View>
      ) : (
        <>
          {entry.files.length || uploading ? (
            <View className='ov-apply-files'>
              {entry.files.map((f, n) =>
                uploading?.replacing === f.id ? null : (
                  <View key={f.id} className={`ov-apply-file ${c('file')} ${c(`file-${n}`)}${replacing === f.id ? ' ov-apply-file--replacing' : ''}`}>
                    <Thumb kind={fileKind(f)} path={f.localPath} />
                    <View className='ov-apply-file-body'>
                      <Text className='ov-apply-file-name'>{f.fileName}</Text>
                      <Text className='ov-apply-file-meta'>
                        {fileSizeLabel(f.bytes)} · 已上传
                      </Text>
                      <View className='ov-apply-file-actions'>
                        <Text className={`ov-apply-link ${c('file-replace')}`} onClick={() => !disabled && setReplacing(replacing === f.id ? undefined : f.id)}>
                          {replacing === f.id ? '取消替换' : '重新上传'}
                        </Text>
                        <Text className={`ov-apply-link ov-apply-link--danger ${c('file-delete')}`} onClick={() => !disabled && remove(f.id)}>
                          删除
                        </Text>
                      </View>
                    </View>
                  </View>
                ),
              )}
              {uploading ? (
                <View className={`ov-apply-file ov-apply-file--uploading ${c('upload-progress')}`}>
                  <Thumb kind={uploading.kind} path={uploading.path} />
                  <View className='ov-apply-file-body'>
                    <Text className='ov-apply-file-name'>正在上传… {uploading.percent}%</Text>
                    <View className='ov-apply-progress' role='progressbar' aria-valuenow={uploading.percent}>
                      <View className='ov-apply-progress-bar' style={{ width: `${uploading.percent}%` }} />
                    </View>
                  </View>
                </View>
              ) : null}
            </View>
          ) : null}

          {replacing ? <Text className='ov-apply-hint'>请选择新的文件替换原文件：</Text> : null}
          {canAdd && !uploading ? (
            <View className='ov-apply-pick'>
              {pickSources().map((source) => (
                <Button
                  key={source}
                  className={`ov-apply-pick-button ${c('pick')} ${c(`pick-${source}`)}`}
                  size='small'
                  type='primary'
                  fill={source === 'camera' ? 'solid' : 'outline'}
                  disabled={disabled}
                  onClick={() => void choose(source)}
                >
                  {PICK_SOURCE_LABELS[source]}
                </Button>
              ))}
              {offerLater ? (
                <Button
                  className={`ov-apply-pick-button ${c('later')}`}
                  size='small'
                  type='warning'
                  fill='outline'
                  disabled={disabled}
                  onClick={() => update((e) => ({ ...e, later: true, promisedBy: e.promisedBy || later!.initial }))}
                >
                  稍后补交
                </Button>
              ) : null}
            </View>
          ) : null}
          {!entry.files.length && !uploading ? <Text className='ov-field-hint'>支持 JPG、PNG、HEIC 图片或 PDF，单个文件不超过 {MAX_MATERIAL_MB} MB</Text> : null}
        </>
      )}
      <InlineError className={c('upload-error')}>{uploadError}</InlineError>
      <InlineError className={c('material-error')}>{error}</InlineError>
    </View>
  );
}

/** A photo's thumbnail, or a document mark for a PDF. */
export function Thumb({ kind, path }: { kind: ReturnType<typeof fileKind>; path?: string }) {
  if (kind === 'image' && path) return <Image className='ov-apply-thumb' src={path} mode='aspectFill' />;
  return (
    <View className='ov-apply-thumb ov-apply-thumb--doc'>
      <Text className='ov-apply-thumb-text'>{kind === 'pdf' ? 'PDF' : '文件'}</Text>
    </View>
  );
}
