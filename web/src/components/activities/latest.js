// useLoad for data reloaded as a choice changes (a year, a month): when answers overlap,
// only the latest request's answer is kept.
import { useLoad } from '../load.js';

export function useLatest(fn, opts) {
  let seq = 0;
  const load = useLoad(async () => {
    const mine = ++seq;
    const value = await fn();
    return mine === seq ? value : load.data.value;
  }, opts);
  return load;
}
