// Brings the lab page's `window.lab` declaration into the tests' type checking.
import type {} from '../../packages/web/src/lab/main';
