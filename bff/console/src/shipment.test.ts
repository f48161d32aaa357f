import { describe, expect, it } from '@jest/globals';
import type { Shipment } from '@onevisit/shared-types/client';
import { ApiError } from './api';
import { recipientView, shipmentPanelView, shipmentTone, sortShipmentEvents } from './shipment';

function shipment(over: Partial<Shipment> = {}): Shipment {
  return {
    caseNo: '11430000006940002L070001002001202503070001',
    waybillNo: 'SF1234567890',
    state: 'in_transit',
    recipient: { name: '张*', phone: '138****0000', region: '湖南省 长沙市 岳麓区', detail: '麓谷****号' },
    events: [],
    updatedAt: '2025-03-07T02:00:00Z',
    ...over,
  };
}

describe('shipmentTone', () => {
  it('colours the parcel states', () => {
    expect(shipmentTone('created')).toBe('muted');
    expect(shipmentTone('picked_up')).toBe('progress');
    expect(shipmentTone('in_transit')).toBe('progress');
    expect(shipmentTone('out_for_delivery')).toBe('progress');
    expect(shipmentTone('signed')).toBe('ok');
    expect(shipmentTone('returned')).toBe('bad');
  });
});

describe('sortShipmentEvents', () => {
  it('puts the newest event first, comparing instants not text', () => {
    const events = [
      { state: 'picked_up' as const, at: '2025-03-07T09:00:00+08:00', description: '已揽收', location: '长沙' },
      { state: 'signed' as const, at: '2025-03-08T03:00:00Z', description: '已签收', location: null },
      { state: 'in_transit' as const, at: '2025-03-07T02:30:00Z', description: '运输中', location: '武汉' },
    ];
    expect(sortShipmentEvents(events).map((e) => e.state)).toEqual(['signed', 'in_transit', 'picked_up']);
    expect(events[0]!.state).toBe('picked_up'); // the input is not reordered
  });

  it('keeps events with the same time in reverse arrival order', () => {
    const at = '2025-03-07T02:30:00Z';
    const events = [
      { state: 'picked_up' as const, at, description: 'a', location: null },
      { state: 'in_transit' as const, at, description: 'b', location: null },
    ];
    expect(sortShipmentEvents(events).map((e) => e.description)).toEqual(['b', 'a']);
  });
});

describe('recipientView', () => {
  it('joins the masked name, phone, region and detail', () => {
    expect(recipientView(shipment().recipient)).toEqual({ person: '张* 138****0000', address: '湖南省 长沙市 岳麓区 麓谷****号' });
  });
  it('shows a dash for empty parts', () => {
    expect(recipientView({ name: ' ', phone: '', region: '', detail: '' })).toEqual({ person: '—', address: '—' });
  });
});

describe('shipmentPanelView', () => {
  const notFound = new ApiError(404, 'SHIPMENT_NOT_FOUND', '该办件尚未填写收货地址', 'req-1');
  it('hides the panel for cases not sent by post, whatever the load did', () => {
    expect(shipmentPanelView('window_pickup', { data: null, error: null })).toBe('hidden');
    expect(shipmentPanelView('electronic', { data: null, error: notFound })).toBe('hidden');
  });
  it('tells a postal case without an address from a failure', () => {
    expect(shipmentPanelView('postal', { data: null, error: notFound })).toBe('no_address');
    expect(shipmentPanelView('postal', { data: null, error: new ApiError(500, 'INTERNAL_ERROR', 'x', null) })).toBe('error');
    expect(shipmentPanelView('postal', { data: null, error: new Error('boom') })).toBe('error');
  });
  it('shows the parcel once loaded, and a loading line before', () => {
    expect(shipmentPanelView('postal', { data: null, error: null })).toBe('loading');
    expect(shipmentPanelView('postal', { data: shipment(), error: null })).toBe('shipment');
  });
});
