// Watching with native events: see tests/helpers/watch-suite.ts for what must hold.
import { watchSuite } from '../helpers/watch-suite.ts';

watchSuite('native');
