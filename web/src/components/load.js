// A page's data: loading, the error (an ApiError), and the value, with reload().
import { ref } from 'vue';

export function useLoad(fn, { immediate = true } = {}) {
  const loading = ref(false);
  const error = ref(null);
  const data = ref(null);
  async function reload(...args) {
    loading.value = true;
    error.value = null;
    try {
      data.value = await fn(...args);
    } catch (e) {
      error.value = e;
    } finally {
      loading.value = false;
    }
    return data.value;
  }
  if (immediate) reload();
  return { loading, error, data, reload };
}
