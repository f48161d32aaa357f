import { SHIPMENT_STATE_NAMES } from '@onevisit/shared-types/client';
import type { DeliveryOption } from '@onevisit/shared-types/client';
import { api } from '../api';
import { useLoad } from '../hooks/useLoad';
import { formatTime } from '../format';
import { recipientView, shipmentPanelView, shipmentTone, sortShipmentEvents } from '../shipment';
import { ErrorNotice } from './ErrorNotice';

/**
 * 邮寄 of a case: waybill, parcel state, the masked recipient and the courier's tracking (newest
 * first, Beijing time). Only for postal cases (nothing is shown, nor fetched, otherwise). Read-only;
 * loaded on its own, so a failure here leaves the rest of the case view working. `version` reloads it
 * when the case changes.
 */
export function CaseShipment({ caseNo, deliveryOption, version }: { caseNo: string; deliveryOption: DeliveryOption; version: string }) {
  const postal = deliveryOption === 'postal';
  const { data, error, loading } = useLoad(
    () => (postal ? api.caseShipment(caseNo) : Promise.resolve(null)),
    [caseNo, postal, version],
  );
  const view = shipmentPanelView(deliveryOption, { data, error });
  if (view === 'hidden') return null;
  const s = view === 'shipment' ? data : null;
  const recipient = s ? recipientView(s.recipient) : null;
  const events = s ? sortShipmentEvents(s.events) : [];
  return (
    <div
      className="panel"
      data-testid="case-shipment"
      data-state={s ? s.state : view === 'no_address' ? 'none' : undefined}
      aria-busy={loading}
      data-loaded={view === 'loading' ? 'false' : 'true'}
    >
      <div className="panel-head">
        <h2>邮寄</h2>
        {s && (
          <span className={`case-state case-state-${shipmentTone(s.state)}`}>{SHIPMENT_STATE_NAMES[s.state] ?? s.state}</span>
        )}
      </div>
      {view === 'error' && <ErrorNotice error={error} />}
      {view === 'loading' && <p className="muted">正在加载…</p>}
      {view === 'no_address' && <p className="empty">申请人尚未选择收件地址</p>}
      {s && recipient && (
        <>
          <dl className="payment-facts">
            <div>
              <dt>运单号</dt>
              <dd className="mono request-id" data-testid="case-shipment-waybill">
                {s.waybillNo ?? <span className="muted">尚未生成</span>}
              </dd>
            </div>
            <div>
              <dt>更新时间</dt>
              <dd>{formatTime(s.updatedAt)}</dd>
            </div>
            <div>
              <dt>收件人</dt>
              <dd data-testid="case-shipment-recipient">{recipient.person}</dd>
            </div>
            <div>
              <dt>收件地址</dt>
              <dd>{recipient.address}</dd>
            </div>
          </dl>
          {events.length === 0 ? (
            <p className="empty">暂无物流轨迹。</p>
          ) : (
            <table className="table table-dense shipment-events">
              <caption className="sr-only">物流轨迹（最新在前）</caption>
              <thead>
                <tr>
                  <th scope="col">时间</th>
                  <th scope="col">状态</th>
                  <th scope="col">描述</th>
                  <th scope="col">地点</th>
                </tr>
              </thead>
              <tbody>
                {events.map((e, i) => (
                  <tr key={`${e.at}-${e.state}-${i}`} data-testid="case-shipment-event" data-state={e.state}>
                    <td className="nowrap">{formatTime(e.at)}</td>
                    <td>
                      <span className={`case-state case-state-${shipmentTone(e.state)}`}>{SHIPMENT_STATE_NAMES[e.state] ?? e.state}</span>
                    </td>
                    <td>{e.description || <span className="muted">—</span>}</td>
                    <td>{e.location ?? <span className="muted">—</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </div>
  );
}
