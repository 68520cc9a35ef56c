import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { AppState, AppStore } from '../app/store.js';

export const StoreContext = createContext<AppStore | undefined>(undefined);

/** Select the narrowest slice of app state a component needs; it re-renders only when that changes. */
export const useAppState = <T,>(selector: (state: AppState) => T): T => {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useAppState needs a StoreContext provider');
  return useStore(store, selector);
};
