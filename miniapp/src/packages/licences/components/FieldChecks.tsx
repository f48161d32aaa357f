import { Text, View } from '@tarojs/components';
import { LICENCE_FIELDS, type LicenceField } from '@onevisit/shared-types/client';

/**
 * Several of a licence's fields, as ticked chips (role checkbox; the tick, not only the colour,
 * says which are chosen). Each chip has the class `<prefix>-<field>`.
 */
export function FieldChecks({
  fields,
  chosen,
  onToggle,
  prefix,
  disabled = false,
}: {
  fields: readonly LicenceField[];
  chosen: readonly LicenceField[];
  onToggle: (field: LicenceField) => void;
  prefix: string;
  disabled?: boolean;
}) {
  return (
    <View className='ov-apply-chips ov-licence-checks' role='group'>
      {fields.map((f) => {
        const on = chosen.includes(f);
        return (
          <View
            key={f}
            className={`ov-apply-chip ov-licence-check ${prefix}-${f}${on ? ' ov-apply-chip--on' : ''}`}
            role='checkbox'
            aria-checked={on}
            data-field={f}
            onClick={() => !disabled && onToggle(f)}
          >
            <Text className='ov-apply-chip-text'>{on ? `✓ ${LICENCE_FIELDS[f].label}` : `□ ${LICENCE_FIELDS[f].label}`}</Text>
          </View>
        );
      })}
    </View>
  );
}
