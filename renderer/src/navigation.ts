// Which view is shown. Kept in memory, not in the URL: the address's fragment carries the token.
import { createContext, useContext } from 'react';

export type View =
  | { name: 'overview' }
  | { name: 'folders' }
  | { name: 'folder'; folderId: number }
  | { name: 'failures' }
  | { name: 'activity' }
  | { name: 'add' }
  | { name: 'settings' };

export const NavigationContext = createContext<(view: View) => void>(() => undefined);

export function useNavigate(): (view: View) => void {
  return useContext(NavigationContext);
}
