import type { LicenceSummary } from '@onevisit/shared-types/client';
import { Pill } from '../../../components/Pill';
import { colourStyle, statusChipText } from '../../../licences/view';

/** The licence's status in its colour (green / red / grey), with a mark so it is not colour alone. */
export function StatusChip({ licence, size }: { licence: Pick<LicenceSummary, 'status' | 'statusName' | 'colour'>; size?: 'small' | 'large' }) {
  const style = colourStyle(licence.colour);
  return (
    <Pill tone={style.tone} size={size} className={`ov-licence-status licence-status licence-status--${style.colour}`}>
      {statusChipText(licence)}
    </Pill>
  );
}
