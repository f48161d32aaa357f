import { useCallback, useEffect, useRef, useState } from 'react';
import type { Page } from '@onevisit/shared-types/client';

export interface RequestState<T> {
  data?: T;
  error?: unknown;
  loading: boolean;
  reload: () => void;
}

/**
 * Runs `load` when `deps` change; only the latest call's answer is kept (a slow answer to an old
 * filter never overwrites a newer one). `enabled: false` skips the call (e.g. an empty search).
 */
export function useRequest<T>(load: () => Promise<T>, deps: readonly unknown[], enabled = true): RequestState<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: enabled });
  const seq = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  const run = useCallback(() => {
    const id = ++seq.current;
    setState((s) => ({ data: s.data, loading: true }));
    loadRef.current().then(
      (data) => id === seq.current && setState({ data, loading: false }),
      (error: unknown) => id === seq.current && setState({ error, loading: false }),
    );
  }, []);

  useEffect(() => {
    if (enabled) run();
    else {
      seq.current++;
      setState({ loading: false });
    }
    // `deps` are the caller's; `load` is read through a ref so a new closure alone does not refetch
  }, [enabled, run, ...deps]);

  return { ...state, reload: run };
}

export interface PagedState<P extends Page<unknown>> {
  /** The first page's whole answer (search adds its bundles there). */
  first?: P;
  items: P['items'];
  total: number;
  /** First page loading. */
  loading: boolean;
  /** First page failed: the page shows its error state. */
  error?: unknown;
  loadingMore: boolean;
  /** A later page failed: the list stays, with a retry at its end. */
  moreError?: unknown;
  hasMore: boolean;
  loadMore: () => void;
  reload: () => void;
}

/** A paged list that restarts at page 1 when `deps` change and appends on `loadMore()`. */
export function usePagedList<P extends Page<unknown>>(
  loadPage: (page: number) => Promise<P>,
  deps: readonly unknown[],
  enabled = true,
): PagedState<P> {
  type S = Omit<PagedState<P>, 'loadMore' | 'reload' | 'hasMore'> & { page: number };
  const empty: S = { items: [], total: 0, page: 0, loading: enabled, loadingMore: false };
  const [state, setState] = useState<S>(empty);
  const stateRef = useRef(state);
  stateRef.current = state;
  const seq = useRef(0);
  const busy = useRef(false);
  const loadRef = useRef(loadPage);
  loadRef.current = loadPage;

  const reload = useCallback(() => {
    const id = ++seq.current;
    busy.current = false;
    setState({ items: [], total: 0, page: 0, loading: true, loadingMore: false });
    loadRef.current(1).then(
      (res) => id === seq.current && setState({ first: res, items: res.items, total: res.total, page: 1, loading: false, loadingMore: false }),
      (error: unknown) => id === seq.current && setState({ items: [], total: 0, page: 0, loading: false, loadingMore: false, error }),
    );
  }, []);

  const loadMore = useCallback(() => {
    const s = stateRef.current;
    // `busy` guards the window before React re-renders (two reach-bottom events in a row).
    if (busy.current || s.loading || s.error || s.items.length >= s.total) return;
    busy.current = true;
    const id = seq.current;
    const next = s.page + 1;
    setState((cur) => ({ ...cur, loadingMore: true, moreError: undefined }));
    loadRef.current(next).then(
      (res) => {
        if (id !== seq.current) return;
        busy.current = false;
        setState((cur) => ({ ...cur, items: [...cur.items, ...res.items] as P['items'], total: res.total, page: next, loadingMore: false }));
      },
      (moreError: unknown) => {
        if (id !== seq.current) return;
        busy.current = false;
        setState((cur) => ({ ...cur, loadingMore: false, moreError }));
      },
    );
  }, []);

  useEffect(() => {
    if (enabled) reload();
    else {
      seq.current++;
      busy.current = false;
      setState({ items: [], total: 0, page: 0, loading: false, loadingMore: false });
    }
    // `deps` are the caller's; `load` is read through a ref so a new closure alone does not refetch
  }, [enabled, reload, ...deps]);

  return { ...state, hasMore: state.items.length < state.total, loadMore, reload };
}
