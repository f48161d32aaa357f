import { useEffect, useState, type DependencyList, type Dispatch, type SetStateAction } from 'react';

export interface Loaded<T> {
  data: T | null;
  error: unknown;
  loading: boolean;
  /** Local updates after a write, without reloading. */
  setData: Dispatch<SetStateAction<T | null>>;
}

/**
 * Loads whenever `deps` change; an answer to a superseded load (the citizen, year or page changed
 * meanwhile) is dropped. The previous data stays on screen while the next load runs.
 */
export function useLoad<T>(load: () => Promise<T>, deps: DependencyList): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  useEffect(() => {
    let current = true;
    setLoading(true);
    load().then(
      (result) => {
        if (!current) return;
        setData(result);
        setError(null);
        setLoading(false);
      },
      (err: unknown) => {
        if (!current) return;
        setError(err);
        setLoading(false);
      },
    );
    return () => {
      current = false;
    };
  }, deps); // the caller names what the load depends on
  return { data, error, loading, setData };
}
