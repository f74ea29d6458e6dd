// Loaded as a module at the end of <body>: no inline scripts, so the
// Content-Security-Policy can forbid them.
import { initAll } from "../vendor/nhsuk-frontend/nhsuk-frontend.min.js";

document.body.classList.add("js-enabled", "nhsuk-frontend-supported");
initAll();
