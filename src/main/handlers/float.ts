// Contract handlers for the float's history and the low-float warning (src/main/float/).
import { floatHistory } from '../float/history';
import { lowFloatLevel, lowFloatWarning, saveLowFloatLevel } from '../float/warning';
import type { ContractHandlers } from '../transports/dispatch';
import type { ApiContext } from './context';

type FloatMethods = 'float.history' | 'float.warning' | 'float.setWarningLevel';

export function floatHandlers(ctx: ApiContext): Pick<ContractHandlers, FloatMethods> {
  const db = () => ctx.session.require().db;
  return {
    'float.history': (input) => floatHistory(db(), input),
    'float.warning': () => ({ levelCents: lowFloatLevel(db()).levelCents, warning: lowFloatWarning(db()) }),
    'float.setWarningLevel': ({ levelCents }) => {
      const saved = saveLowFloatLevel(db(), levelCents, ctx.actor);
      return { levelCents: saved.levelCents, warning: lowFloatWarning(db()) };
    },
  };
}
