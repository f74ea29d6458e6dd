// The answering page: each question block saves itself with htmx and is
// replaced by the server's copy. Three things htmx alone would get wrong:
//
// - Whatever someone types or picks while their previous change is still
//   being saved would be overwritten by the server's copy of that previous
//   change. Those newer edits are put back into the new block, which then
//   saves them.
// - htmx takes a new block over only once it has settled (20 ms after the
//   swap): a change made in between would never be sent. It is sent then.
// - The save state must say when a save is under way or could not be sent.
// - Leaving the page while a change is typed but not sent, or still being
//   saved, would lose it: the browser asks first.

const blockOf = (element) =>
  element instanceof Element ? element.closest(".app-question") : null;

// Newer edits by block id, between htmx:beforeSwap and htmx:afterSwap.
const newerEdits = new Map();

function liveValues(block) {
  const values = new Map();
  for (const field of block.querySelectorAll("input, textarea, select")) {
    if (!field.name || field.type === "hidden") continue;
    if (field.type === "radio") {
      if (!values.has(field.name)) values.set(field.name, "");
      if (field.checked) values.set(field.name, field.value);
    } else {
      values.set(field.name, field.value);
    }
  }
  return values;
}

document.body.addEventListener("htmx:beforeSwap", (event) => {
  const block = event.detail.target;
  const config = event.detail.requestConfig;
  if (!block.matches || !block.matches(".app-question") || !config) return;
  if (!event.detail.shouldSwap) return;
  if (config.verb !== "post" || !config.formData) return;
  const sent = config.formData;
  const edits = [];
  for (const [name, value] of liveValues(block)) {
    if ((sent.get(name) || "") !== value) edits.push([name, value]);
  }
  if (!edits.length) return;
  const focused = document.activeElement;
  newerEdits.set(block.id, {
    edits,
    focused: focused && block.contains(focused) ? focused.id : null,
    selection: focused && "selectionStart" in focused
      ? [focused.selectionStart, focused.selectionEnd] : null,
  });
});

document.body.addEventListener("htmx:afterSwap", (event) => {
  const block = event.target;
  if (!block.matches || !block.matches(".app-question")) return;
  const pending = newerEdits.get(block.id);
  if (!pending) return;
  newerEdits.delete(block.id);
  let changed = null;
  for (const [name, value] of pending.edits) {
    const fields = block.querySelectorAll(`[name="${CSS.escape(name)}"]`);
    for (const field of fields) {
      if (field.type === "radio") {
        field.checked = field.value === value;
      } else {
        field.value = value;
      }
      changed = changed || field;
    }
  }
  if (pending.focused) {
    const field = document.getElementById(pending.focused);
    if (field && pending.selection && field.setSelectionRange) {
      try {
        field.setSelectionRange(...pending.selection);
      } catch {
        // Not every input type has a text selection.
      }
    }
  }
  // A block showing a conflict does not save by itself: the person chooses.
  if (changed && block.hasAttribute("hx-post")) {
    changed.dispatchEvent(new Event("change", { bubbles: true }));
  }
});

function setState(block, text, kind) {
  const state = block.querySelector(".app-save-state");
  if (!state) return;
  state.textContent = "";
  const span = document.createElement("span");
  span.className = kind === "error" ? "app-save-state--error" : "";
  span.textContent = text;
  state.append(span);
}

// Blocks with a change not yet sent, and saves under way.
const unsent = new Set();
let saving = 0;
let submitting = false;

document.body.addEventListener("htmx:beforeRequest", (event) => {
  const block = blockOf(event.detail.elt);
  if (!block || event.detail.requestConfig.verb !== "post") return;
  block.dataset.stateBefore = block.querySelector(".app-save-state")?.innerHTML || "";
  setState(block, "Saving…");
  unsent.delete(block.id);
  saving += 1;
  // Counted down on the request itself: htmx's own events after a swap go
  // to the replaced block, which is no longer in the page.
  event.detail.xhr.addEventListener("loadend", () => { saving -= 1; });
});

document.body.addEventListener("htmx:afterRequest", (event) => {
  const block = blockOf(event.detail.elt);
  // 204: what was sent is what was saved already; nothing to swap.
  if (block && event.detail.xhr && event.detail.xhr.status === 204) {
    const state = block.querySelector(".app-save-state");
    if (state) state.innerHTML = block.dataset.stateBefore || "";
  }
});

document.body.addEventListener("htmx:responseError", (event) => {
  const block = blockOf(event.detail.elt);
  if (!block) return;
  const status = event.detail.xhr.status;
  setState(
    block,
    status === 403
      ? "Not saved: you may have been logged out. Copy what you typed, then reload the page."
      : "Not saved: something went wrong. Try again, or reload the page.",
    "error",
  );
});

document.body.addEventListener("htmx:sendError", (event) => {
  const block = blockOf(event.detail.elt);
  if (block) {
    setState(block, "Not saved: there is no connection. Check it, then change the answer again.", "error");
  }
});

document.body.addEventListener("input", (event) => {
  const block = blockOf(event.target);
  if (block) unsent.add(block.id);
});

// "Keep the saved answer" puts the server's copy back: nothing is left unsent.
document.body.addEventListener("htmx:afterSwap", (event) => {
  const block = event.target;
  if (block.matches && block.matches(".app-question") && event.detail.requestConfig?.verb === "get") {
    unsent.delete(block.id);
  }
});

// A section's own "Save" button sends everything in it: nothing is lost.
document.body.addEventListener("submit", (event) => {
  if (event.target.querySelector(".app-question")) submitting = true;
});

window.addEventListener("beforeunload", (event) => {
  if (!submitting && (saving > 0 || unsent.size > 0)) event.preventDefault();
});

// A change made in the moment between a block being replaced and htmx taking
// it over (or queued on the block just replaced) would never be sent: once
// the new block is settled, send anything still unsent.
document.body.addEventListener("htmx:afterSettle", (event) => {
  const block = event.target;
  if (!block.matches || !block.matches(".app-question")) return;
  setTimeout(() => {
    if (unsent.has(block.id) && block.isConnected && block.hasAttribute("hx-post")
        && !block.classList.contains("htmx-request")) {
      htmx.trigger(block, "change");
    }
  }, 50);
});
