import { useState, type ReactNode } from 'react';
import { Input, Picker, Text, Textarea, View } from '@tarojs/components';
import { HOME_PROVINCE, HUNAN_CITIES, PROVINCES, regionPath, type FormField, type Region } from '@onevisit/shared-types/client';
import { InlineError } from '../components/Inline';
import type { FieldValue } from './formValues';
import { formatRegionValue, parseRegionValue } from './regions';
import '../components/ElderSwitch.scss';
import './applications.scss';

/**
 * The controls of the application form, one per field type, all without pop-ups where a
 * browser test or an elder would struggle: choices are chips, a switch is a big toggle, dates are
 * the platform's date picker (a native date input on H5).
 */

/** A labelled row: label (with 必填), the control, help text, and the error under it. */
export function FieldRow({
  className,
  label,
  required,
  help,
  error,
  errorId,
  boxless = false,
  hideLabel = false,
  children,
}: {
  className?: string;
  label: string;
  required?: boolean;
  help?: string;
  error?: string;
  errorId?: string;
  /** Chips, switches and region pickers bring their own layout. */
  boxless?: boolean;
  /** A switch carries the label itself. */
  hideLabel?: boolean;
  children: ReactNode;
}) {
  return (
    <View className={`ov-field ov-apply-field${error ? ' ov-field--invalid' : ''}${className ? ` ${className}` : ''}`}>
      {hideLabel ? null : (
        <View className='ov-apply-label-row'>
          <Text className='ov-field-label'>{label}</Text>
          {required ? <Text className='ov-apply-required'>必填</Text> : <Text className='ov-apply-optional'>选填</Text>}
        </View>
      )}
      {boxless ? children : <View className='ov-field-box'>{children}</View>}
      {help ? <Text className='ov-field-hint'>{help}</Text> : null}
      <InlineError id={errorId} className='ov-apply-error'>
        {error}
      </InlineError>
    </View>
  );
}

/** A big on/off switch whose state is also written out (是 / 否). */
export function Toggle({
  on,
  onChange,
  title,
  description,
  className,
  id,
  onText = '是',
  offText = '否',
  disabled = false,
}: {
  on: boolean;
  onChange: (on: boolean) => void;
  title?: string;
  description?: string;
  className?: string;
  id?: string;
  onText?: string;
  offText?: string;
  disabled?: boolean;
}) {
  return (
    <View
      id={id}
      className={`ov-switch ov-apply-switch${on ? ' ov-switch--on' : ''}${disabled ? ' ov-apply-switch--disabled' : ''}${className ? ` ${className}` : ''}`}
      role='switch'
      aria-checked={on}
      aria-disabled={disabled}
      aria-label={title}
      onClick={() => !disabled && onChange(!on)}
    >
      {title || description ? (
        <View className='ov-switch-label'>
          {title ? <Text className='ov-switch-title'>{title}</Text> : null}
          {description ? <Text className='ov-switch-desc'>{description}</Text> : null}
        </View>
      ) : null}
      <View className='ov-switch-control'>
        <Text className='ov-switch-state'>{on ? onText : offText}</Text>
        <View className='ov-switch-track'>
          <View className='ov-switch-thumb' />
        </View>
      </View>
    </View>
  );
}

/** One choice among a few, as chips (`<prefix>-<value>`), the chosen one ticked (not colour alone). */
export function Chips<V extends string>({
  options,
  value,
  onChange,
  prefix,
  disabled = false,
}: {
  options: { value: V; label: string }[];
  value: V | undefined;
  onChange: (value: V) => void;
  /** Stable class of each chip: `${prefix}-${value}`. */
  prefix: string;
  disabled?: boolean;
}) {
  return (
    <View className='ov-apply-chips' role='radiogroup'>
      {options.map((o) => {
        const on = o.value === value;
        return (
          <View
            key={o.value}
            className={`ov-apply-chip ${prefix}-${o.value}${on ? ' ov-apply-chip--on' : ''}`}
            role='radio'
            aria-checked={on}
            onClick={() => !disabled && onChange(o.value)}
          >
            <Text className='ov-apply-chip-text'>{on ? `✓ ${o.label}` : o.label}</Text>
          </View>
        );
      })}
    </View>
  );
}

/**
 * A date: WeChat's date picker, Alipay's `my.datePicker`, and on H5 the browser's own
 * `<input type="date">` (Taro's H5 picker is a scroll wheel that neither keyboards nor browser
 * tests can drive).
 */
export function DateField({
  value,
  onChange,
  start,
  end,
  placeholder = '请选择日期',
  className,
}: {
  value: string;
  onChange: (value: string) => void;
  start?: string;
  end?: string;
  placeholder?: string;
  className?: string;
}) {
  if (process.env.TARO_ENV === 'h5') {
    return (
      <Input
        className={`ov-input ov-apply-date${className ? ` ${className}` : ''}`}
        // Taro's H5 Input hands `type` to the native input
        type={'date' as 'text'}
        value={value}
        placeholder={placeholder}
        nativeProps={{ ...(start ? { min: start } : {}), ...(end ? { max: end } : {}) }}
        onInput={(e) => onChange(e.detail.value)}
      />
    );
  }
  const face = (
    <View className={`ov-input ov-apply-picker${value ? '' : ' ov-apply-picker--empty'}`}>
      <Text>{value || placeholder}</Text>
      <Text className='ov-apply-picker-arrow'>›</Text>
    </View>
  );
  if (process.env.TARO_ENV === 'alipay') {
    // Alipay's <picker> has no date mode: its date picker is an API
    const open = () =>
      my.datePicker({
        format: 'yyyy-MM-dd',
        ...(value || start ? { currentDate: value || start } : {}),
        ...(start ? { startDate: start } : {}),
        ...(end ? { endDate: end } : {}),
        success: (res) => res.date && onChange(res.date),
      });
    return (
      <View className={className} onClick={open}>
        {face}
      </View>
    );
  }
  return (
    <Picker mode='date' value={value || start || ''} start={start} end={end} onChange={(e) => onChange(String(e.detail.value))} className={className}>
      {face}
    </Picker>
  );
}

/**
 * A region (`code detail`): in the home province 市 → 区县 as chips, elsewhere the province; then
 * the street and number as text. Chips are `apply-region-<key>-<code>`.
 */
export function RegionField({ fieldKey, value, onChange }: { fieldKey: string; value: string; onChange: (value: string) => void }) {
  const { code, detail } = parseRegionValue(value);
  const path = regionPath(code);
  // 省外地区 chosen, province not yet: a step of the picker, not a value
  const [choosingProvince, setChoosingProvince] = useState(false);
  const set = (nextCode: string, nextDetail = detail) => {
    setChoosingProvince(false);
    onChange(formatRegionValue({ code: nextCode, detail: nextDetail }));
  };
  const chip = (r: Region) => (
    <View key={r.code} className={`ov-apply-chip apply-region-${fieldKey}-${r.code}`} role='button' onClick={() => set(r.code)}>
      <Text className='ov-apply-chip-text'>{r.name}</Text>
    </View>
  );
  const outside = !!path.province && path.province.code !== HOME_PROVINCE.code;
  const homeCity = path.city;
  const done = outside || !!path.district;

  let chooser: ReactNode = null;
  if (!path.province && choosingProvince) {
    chooser = (
      <>
        <Text className='ov-apply-region-step'>请选择省份：</Text>
        <View className='ov-apply-chips'>{PROVINCES.filter((p) => p.code !== HOME_PROVINCE.code).map(chip)}</View>
      </>
    );
  } else if (!path.province) {
    chooser = (
      <>
        <Text className='ov-apply-region-step'>请选择{HOME_PROVINCE.name}的市州：</Text>
        <View className='ov-apply-chips'>
          {HUNAN_CITIES.map(chip)}
          <View className={`ov-apply-chip apply-region-${fieldKey}-other`} role='button' onClick={() => setChoosingProvince(true)}>
            <Text className='ov-apply-chip-text'>省外地区</Text>
          </View>
        </View>
      </>
    );
  } else if (homeCity && !path.district) {
    chooser = (
      <>
        <Text className='ov-apply-region-step'>请选择{homeCity.name}的区县：</Text>
        <View className='ov-apply-chips'>{homeCity.districts.map(chip)}</View>
      </>
    );
  } else if (!outside && !homeCity) {
    // the home province's own code: pick a city
    chooser = (
      <>
        <Text className='ov-apply-region-step'>请选择{HOME_PROVINCE.name}的市州：</Text>
        <View className='ov-apply-chips'>{HUNAN_CITIES.map(chip)}</View>
      </>
    );
  }

  const chosen = [path.province?.name, path.city?.name, path.district?.name].filter(Boolean).join(' ');
  return (
    <View className={`ov-apply-region apply-region-${fieldKey}`}>
      {path.province || choosingProvince ? (
        <View className='ov-apply-region-chosen'>
          <Text className={`ov-apply-region-path apply-region-${fieldKey}-chosen`}>{chosen || '省外地区'}</Text>
          <Text className={`ov-apply-link apply-region-${fieldKey}-reset`} onClick={() => set('', '')}>
            重新选择
          </Text>
        </View>
      ) : null}
      {chooser}
      {done ? (
        <View className='ov-field-box ov-apply-region-detail'>
          <Input
            className={`ov-input apply-field-${fieldKey}-detail`}
            value={detail}
            maxlength={120}
            placeholder={outside ? '请填写市、区县及详细地址' : '街道、门牌号（选填）'}
            onInput={(e) => set(code, e.detail.value)}
          />
        </View>
      ) : null}
    </View>
  );
}

const INPUT_TYPES: Partial<Record<FormField['type'], 'text' | 'number' | 'idcard' | 'digit'>> = {
  idNumber: 'idcard',
  phone: 'number',
  number: 'digit',
};
const MAX_LENGTHS: Partial<Record<FormField['type'], number>> = { idNumber: 18, phone: 11, plateNumber: 10, number: 20 };
const PLACEHOLDERS: Partial<Record<FormField['type'], string>> = {
  idNumber: '18 位公民身份号码',
  phone: '11 位手机号码',
  plateNumber: '如 湘A12345',
};

/** The control of one form field, by its type. */
export function FieldControl({
  field,
  value,
  onChange,
  onBlur,
}: {
  field: FormField;
  value: FieldValue | undefined;
  onChange: (value: FieldValue) => void;
  onBlur?: () => void;
}) {
  const text = typeof value === 'string' ? value : '';
  switch (field.type) {
    case 'boolean':
      return <Toggle on={value === true} onChange={onChange} title={field.label} className={`apply-switch-${field.key}`} />;
    case 'select':
      return <Chips options={field.options ?? []} value={text || undefined} onChange={onChange} prefix={`apply-option-${field.key}`} />;
    case 'date':
      return <DateField value={text} onChange={onChange} />;
    case 'region':
      return <RegionField fieldKey={field.key} value={text} onChange={onChange} />;
    case 'textarea':
      return (
        <Textarea
          className='ov-apply-textarea'
          value={text}
          maxlength={field.maxLength ?? 2000}
          autoHeight
          placeholder={`请输入${field.label}`}
          onInput={(e) => onChange(e.detail.value)}
          onBlur={onBlur}
        />
      );
    default: {
      const range = field.type === 'number' && (field.min !== undefined || field.max !== undefined) ? `（${field.min ?? ''}–${field.max ?? ''}）` : '';
      return (
        <Input
          className='ov-input'
          type={INPUT_TYPES[field.type] ?? 'text'}
          value={text}
          maxlength={field.maxLength ?? MAX_LENGTHS[field.type] ?? 200}
          placeholder={PLACEHOLDERS[field.type] ?? `请输入${field.label}${range}`}
          onInput={(e) => onChange(e.detail.value)}
          onBlur={onBlur}
        />
      );
    }
  }
}

/** Chips, switches and region pickers are not in a text box. */
export function isBoxless(field: FormField): boolean {
  return field.type === 'boolean' || field.type === 'select' || field.type === 'region' || field.type === 'textarea';
}
