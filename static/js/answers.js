// A competency's page: each question saves itself as the person answers it,
// and nothing the person types is ever replaced by the server. Without this
// script the page still works: its form posts the whole competency.
//
// Each question is a small state machine:
// - unsent: changed, not yet sent (a pause in typing, or a half-typed date);
// - saving: one request at a time; changes made meanwhile wait and go next,
//   with the latest values and the version that save returned;
// - saved: only when what is on screen equals what the server stored;
// - failed: invalid, server error, no connection, signed out: "Try again";
// - conflict: someone else changed it; nothing is sent until the person
//   chooses an answer on the card.
// A save changes only the question's status line, its version, its
// carried-over box and the page's figures: never the fields themselves.

const TYPING_PAUSE_MS = 800;
const DEFAULT_POLL_SECONDS = 30;
const DATE_PART = /-due_date_(day|month|year)$/;

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

// What a field holds as the server compares it: trimmed, LF line ends, and
// the date's parts as numbers ("03" is 3).
function normal(name, value) {
  const text = String(value ?? "").replace(/\r\n?/g, "\n").trim();
  return DATE_PART.test(name) && /^\d+$/.test(text) ? String(Number(text)) : text;
}

// The server's messages may hold markup (a visually hidden "Error:").
function textOf(html) {
  return new DOMParser().parseFromString(String(html), "text/html").body.textContent.trim();
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// NHS.UK frontend 10.6 marks each radio that reveals more aria-expanded,
// which the radio role does not support (axe-core: aria-allowed-attr); the
// reveal is announced as its content anyway.
function withoutExpanded(root) {
  for (const radio of root.querySelectorAll("input[type=radio][aria-expanded]")) radio.removeAttribute("aria-expanded");
}

function plural(count, word) {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

class Question {
  constructor(block, page) {
    this.block = block;
    this.page = page;
    this.number = block.dataset.question;
    this.status = block.querySelector(".app-save-state");
    this.conflictBox = block.querySelector(".app-conflict");
    this.version = block.querySelector(`input[name="q${this.number}-version"]`);
    this.date = block.querySelector(".nhsuk-date-input");
    this.stored = this.onScreen(); // the page was drawn from what is stored
    this.carried = Boolean(block.querySelector(".app-carried-over"));
    this.unsent = false;
    this.saving = false;
    this.failure = null;
    this.timer = null;
    this.note = null; // "Saved at …" once this page has saved or heard of a save
    this.latest = null; // the answer as the server last reported it
    // A card drawn by the server (a plain POST met a conflict).
    this.conflict = this.conflictBox.children.length ? {} : null;
    this.disarmCard();
  }

  fields() {
    return this.block.querySelectorAll("input[name], textarea[name], select[name]");
  }

  onScreen() {
    const values = {};
    for (const field of this.fields()) {
      if (field.type === "radio") {
        values[field.name] ??= "";
        if (field.checked) values[field.name] = field.value;
      } else if (field.type !== "checkbox" && field.type !== "hidden") {
        values[field.name] = field.value;
      }
    }
    return values;
  }

  confirming() {
    const box = this.block.querySelector(`input[name="q${this.number}-confirm"]`);
    return Boolean(box && box.checked && this.carried);
  }

  needsSaving() {
    const screen = this.onScreen();
    const names = new Set([...Object.keys(screen), ...Object.keys(this.stored)]);
    return this.confirming() || [...names].some((name) => normal(name, screen[name]) !== normal(name, this.stored[name]));
  }

  get unsaved() {
    return Boolean(this.unsent || this.saving || this.failure || this.conflict);
  }

  // Not a field the person is in, not a change waiting: safe to update.
  get clean() {
    return !this.unsaved && !this.timer && !this.block.contains(document.activeElement);
  }

  // A date is sent once it is whole, or once the person leaves its boxes.
  dateHalfTyped() {
    if (!this.date || !this.date.contains(document.activeElement)) return false;
    const [day, month, year] = [...this.date.querySelectorAll("input")].map((box) => box.value.trim());
    return Boolean(day || month || year) && !(day && month && year.length >= 4);
  }

  changed(delay) {
    this.unsent = true;
    clearTimeout(this.timer);
    this.timer = delay ? setTimeout(() => this.flush(), delay) : null;
    if (delay) this.render();
    else this.flush();
  }

  flush(leavingDate = false) {
    clearTimeout(this.timer);
    this.timer = null;
    if (this.unsent && !this.saving && !this.conflict && (leavingDate || !this.dateHalfTyped())) {
      if (this.needsSaving()) {
        this.send();
        return;
      }
      this.unsent = false; // put back as it was saved
      this.failure = null;
      this.clearErrors();
    }
    this.render();
  }

  async send() {
    const body = new URLSearchParams();
    for (const field of this.fields()) {
      if ((field.type === "radio" || field.type === "checkbox") && !field.checked) continue;
      body.append(field.name, field.value);
    }
    this.unsent = false;
    this.saving = true;
    this.failure = null;
    this.render();
    let response = null;
    let data = null;
    try {
      response = await fetch(this.block.dataset.saveUrl, {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
      });
      if ((response.headers.get("Content-Type") || "").includes("json")) data = await response.json();
    } catch {
      data = null; // no connection, or a body that is not JSON
    }
    this.saving = false;
    this.answered(response, data);
    // Changes made while it was saving go now (they may correct an invalid
    // answer), unless the server or the connection failed: then "Try
    // again", or the person's next change, sends them.
    const stopped = this.failure && data?.state !== "invalid";
    if (stopped) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.unsent && !stopped) this.flush();
    else this.render();
  }

  answered(response, data) {
    const state = data && data.state;
    if (state === "signed_out") this.page.signedOut = true;
    else if (response && response.ok) this.page.signedOut = false;
    if (response && response.ok && state === "saved") {
      this.saved(data, `Saved at ${data.saved_at}`);
      this.clearErrors();
      if (!this.unsent && this.needsSaving()) this.failure = "what was saved differs from what is on screen";
    } else if (state === "invalid") {
      this.failure = textOf(data.message);
      this.showErrors(data.errors || {});
    } else if (state === "conflict") {
      this.conflict = data;
      this.latest = data;
      this.conflictBox.innerHTML = data.card; // the server's own markup
      this.disarmCard();
    } else if (state === "refused" || state === "signed_out") {
      this.failure = textOf(data.message);
    } else {
      this.failure = response ? "something went wrong" : "no connection";
    }
  }

  // What the server stored is now the question's: its version, its
  // carried-over box, and (for "Saved") the note.
  saved(answer, note) {
    this.version.value = answer.version;
    this.stored = answer.fields;
    this.latest = answer;
    this.note = note;
    if (this.carried && !answer.carried_over) this.showConfirmed();
    this.carried = answer.carried_over;
  }

  retry() {
    this.focusStatus(); // the button goes: keep the person's place
    this.failure = null;
    this.changed(0);
  }

  // "Use my answer instead" or "Keep the saved answer" on the conflict card.
  async settle(choice) {
    let saved = this.conflict && this.conflict.fields ? this.conflict : null;
    if (!saved) saved = (await this.page.poll()) && this.latest;
    if (!saved) return;
    this.conflict = null;
    this.conflictBox.replaceChildren();
    this.focusStatus();
    if (choice === "use") {
      this.version.value = saved.version;
      this.changed(0);
    } else {
      this.put(saved, `Saved by ${saved.saved_by} at ${saved.saved_at}`);
    }
  }

  // A colleague's save: taken in only when the person is not at this question.
  heard(answer, first) {
    this.latest = answer;
    const mine = Number(this.version.value);
    if (answer.version > mine && this.clean) {
      this.put(answer, `Changed by ${answer.saved_by} at ${answer.saved_at}`);
    } else if (answer.version === mine && !this.saving) {
      this.stored = answer.fields;
      this.carried = answer.carried_over;
      // On a page sent back after a plain POST, what is shown may not be saved.
      if (first && !this.conflict && this.needsSaving()) this.changed(0);
    }
  }

  put(answer, note) {
    for (const [name, value] of Object.entries(answer.fields)) {
      for (const field of this.block.querySelectorAll(`[name="${CSS.escape(name)}"]`)) {
        if (field.type === "radio") field.checked = field.value === value;
        else field.value = value;
      }
    }
    this.placeActionFields();
    this.clearErrors();
    this.failure = null;
    this.unsent = false;
    this.saved(answer, note);
    this.render();
  }

  // One set of action fields, under the option chosen (No when none is).
  placeActionFields() {
    const fields = this.block.querySelector("[data-action-fields]");
    const chosen = this.onScreen()[`q${this.number}-value`] === "yes" ? "yes" : "no";
    const home = this.block.querySelector(`[data-action-home="${chosen}"]`);
    if (fields && home && fields.parentElement !== home) {
      home.appendChild(fields);
      const details = home.closest("details");
      const holdsAction = [...fields.querySelectorAll("input, textarea")].some((box) => box.value.trim());
      if (details && holdsAction) details.open = true;
    }
    // The reveals follow the radios (NHS.UK's script does so only on a click).
    for (const radio of this.block.querySelectorAll("input[type=radio]")) {
      const reveal = document.getElementById(radio.getAttribute("aria-controls") || radio.dataset.ariaControls);
      reveal?.classList.toggle("nhsuk-radios__conditional--hidden", !radio.checked);
    }
    withoutExpanded(this.block);
  }

  showConfirmed() {
    const box = this.block.querySelector(".app-carried-over");
    if (!box) return;
    const ticked = this.block.querySelector(`input[name="q${this.number}-confirm"]`)?.checked;
    const note = element("p", "app-confirmed nhsuk-body-s", ticked ? "Confirmed" : "Changed: no longer carried over");
    note.id = box.id;
    note.tabIndex = -1;
    const hadFocus = box.contains(document.activeElement);
    box.replaceWith(note);
    if (hadFocus) note.focus();
  }

  // In JavaScript the card's buttons act here, and are not the form's
  // default button (Enter in a box would otherwise press "Use my answer").
  disarmCard() {
    for (const button of this.conflictBox.querySelectorAll("button[data-conflict]")) button.type = "button";
  }

  focusStatus() {
    this.status.tabIndex = -1;
    this.status.focus();
  }

  // The boxes of one of the form's fields ("due_date" has three).
  boxes(name) {
    const names = name === "due_date" ? ["day", "month", "year"].map((part) => `due_date_${part}`) : [name];
    return names.flatMap((each) => [...this.block.querySelectorAll(`[name="q${this.number}-${each}"]:not([type=radio])`)]);
  }

  // The NHS.UK error message at each field the server refused.
  showErrors(errors) {
    this.clearErrors();
    for (const [name, messages] of Object.entries(errors)) {
      const group = document.getElementById(`div_id_q${this.number}-${name}`);
      if (!group || !messages.length) continue;
      const id = `id_q${this.number}-${name}-error`;
      document.getElementById(id)?.remove(); // one the page came with
      const message = element("span", "nhsuk-error-message");
      message.id = id;
      message.dataset.autosaveError = "";
      message.append(element("span", "nhsuk-u-visually-hidden", "Error:"), ` ${messages.map(textOf).join(" ")}`);
      const control = group.querySelector(".nhsuk-radios, .nhsuk-date-input, textarea, select, input");
      const hint = document.getElementById(`id_q${this.number}-${name}-hint`);
      if (hint && hint.parentElement === control.parentElement) hint.after(message);
      else control.before(message);
      group.classList.add("nhsuk-form-group--error");
      const described = control.matches(".nhsuk-radios, .nhsuk-date-input") ? control.closest("fieldset") : control;
      described.setAttribute("aria-describedby", `${described.getAttribute("aria-describedby") || ""} ${id}`.trim());
      for (const box of this.boxes(name)) box.classList.add(`${box.classList[0]}--error`);
    }
  }

  // The errors this script showed; and those the page came with (a check
  // before submission) once their field is filled in, or the answer is Yes.
  clearErrors() {
    const answer = this.onScreen()[`q${this.number}-value`];
    for (const group of this.block.querySelectorAll(".nhsuk-form-group--error")) {
      const name = group.id.replace(`div_id_q${this.number}-`, "");
      const id = `id_q${this.number}-${name}-error`;
      const shown = document.getElementById(id);
      const filled = name === "value" ? answer : this.boxes(name).some((box) => box.value.trim());
      if (shown && !("autosaveError" in shown.dataset || filled || answer === "yes")) continue;
      shown?.remove();
      group.classList.remove("nhsuk-form-group--error");
      const described = this.block.querySelector(`[aria-describedby~="${id}"]`);
      if (described) {
        const rest = described.getAttribute("aria-describedby").split(" ").filter((token) => token && token !== id);
        if (rest.length) described.setAttribute("aria-describedby", rest.join(" "));
        else described.removeAttribute("aria-describedby");
      }
      for (const box of this.boxes(name)) box.classList.remove(`${box.classList[0]}--error`);
    }
  }

  render() {
    let line;
    if (this.conflict) {
      line = ["error", "Not saved: someone else changed this answer. Choose below which answer to keep."];
    } else if (this.failure) {
      line = ["error", `Not saved: ${this.failure.charAt(0).toLowerCase()}${this.failure.slice(1)}`, true];
    } else if (this.saving || (this.unsent && !this.dateHalfTyped())) {
      line = ["saving", "Saving…"];
    } else if (this.unsent) {
      line = ["saving", "Not saved yet: finish the due date"];
    } else if (this.note) {
      line = ["saved", this.note];
    }
    const key = JSON.stringify(line);
    if (line && key !== this.shown) {
      this.shown = key;
      const [kind, text, retry] = line;
      const nodes = [element("span", `app-save-state--${kind}`, text)];
      if (retry) {
        const button = element("button", "nhsuk-button nhsuk-button--secondary nhsuk-button--small", "Try again");
        button.type = "button";
        button.dataset.retry = "";
        button.append(element("span", "nhsuk-u-visually-hidden", ` to save question ${this.number}`));
        nodes.push(" ", button);
      }
      this.status.replaceChildren(...nodes);
    }
    this.page.update();
  }
}

class Page {
  constructor(form) {
    this.form = form;
    this.questions = new Map();
    this.signedOut = false;
    this.submitting = false;
    this.hadUnsaved = false;
    this.progress = document.getElementById("progress");
    this.banner = document.getElementById("page-save-status");
    for (const block of form.querySelectorAll(".app-question[data-save-url]")) {
      this.questions.set(block.dataset.question, new Question(block, this));
    }
    this.listen();
    // A link to a field (from the gaps listed at submission) puts the
    // person in it, ready to type.
    const target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target && form.contains(target) && target.matches("input, textarea, select")) target.focus();
    this.poll(true);
    this.schedulePoll();
  }

  questionOf(node) {
    const block = node instanceof Element ? node.closest(".app-question") : null;
    return block ? this.questions.get(block.dataset.question) : undefined;
  }

  listen() {
    const form = this.form;
    form.addEventListener("input", (event) => {
      const field = event.target;
      const question = this.questionOf(field);
      if (question && (field.tagName === "TEXTAREA" || field.type === "text")) question.changed(TYPING_PAUSE_MS);
    });
    // Radios, the select and the checkbox; a text box when it is left (the
    // date's boxes when the date is: a box's change comes as focus moves).
    form.addEventListener("change", (event) => {
      const question = this.questionOf(event.target);
      if (!question || (question.date && question.date.contains(event.target))) return;
      if (event.target.type === "radio") question.placeActionFields();
      question.changed(0);
    });
    form.addEventListener("focusout", (event) => {
      const question = this.questionOf(event.target);
      const date = question && question.date;
      if (date && date.contains(event.target) && !date.contains(event.relatedTarget) && question.unsent) {
        question.flush(true);
      }
    });
    form.addEventListener("click", (event) => {
      const button = event.target instanceof Element && event.target.closest("button[data-retry], button[data-conflict]");
      const question = button && this.questionOf(button);
      if (!question) return;
      event.preventDefault();
      if (button.dataset.conflict) question.settle(button.dataset.conflict);
      else question.retry();
    });
    // A plain POST sends everything: no need to ask. Signing in again in
    // another tab changes the CSRF token: send the current one.
    form.addEventListener("submit", () => {
      this.submitting = true;
      const token = form.querySelector("input[name=csrfmiddlewaretoken]");
      if (token && csrfToken()) token.value = csrfToken();
    });
    window.addEventListener("pageshow", () => {
      this.submitting = false;
      withoutExpanded(form); // after NHS.UK's script has set the reveals
    });
    window.addEventListener("beforeunload", (event) => {
      if (this.submitting || !this.unsaved().length) return;
      event.preventDefault();
      event.returnValue = ""; // older browsers ask only when this is set
    });
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") this.poll();
    });
  }

  unsaved() {
    return [...this.questions.values()].filter((question) => question.unsaved);
  }

  schedulePoll() {
    const seconds = Number(this.form.dataset.pollSeconds) || DEFAULT_POLL_SECONDS;
    setTimeout(async () => {
      if (document.visibilityState !== "hidden") await this.poll();
      this.schedulePoll();
    }, seconds * 1000);
  }

  // What is saved now, for every question on the page: colleagues' changes
  // come in where the person is not working. True when it was heard.
  async poll(first = false) {
    let data;
    try {
      const response = await fetch(this.form.dataset.changesUrl, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (response.status === 401) {
        this.signedOut = true;
        this.update();
        return false;
      }
      if (!response.ok) return false;
      data = await response.json();
    } catch {
      return false; // the next poll tries again
    }
    this.signedOut = false;
    for (const answer of data.answers) this.questions.get(String(answer.number))?.heard(answer, first);
    this.update();
    return true;
  }

  // The page's figures: its progress, and how many questions are not saved.
  update() {
    const questions = [...this.questions.values()];
    const answered = questions.filter((q) => q.stored[`q${q.number}-value`] && !q.carried).length;
    const toConfirm = questions.filter((q) => q.carried).length;
    if (this.progress) {
      this.progress.dataset.answered = answered;
      this.progress.dataset.toConfirm = toConfirm;
      const text = document.getElementById("progress-text");
      const total = this.progress.dataset.total || questions.length;
      text.textContent = `${answered} of ${total} answered${toConfirm ? `, ${toConfirm} carried over to confirm` : ""}`;
    }
    const unsaved = this.unsaved().length;
    this.hadUnsaved ||= unsaved > 0;
    const parts = [];
    if (this.signedOut) parts.push("You have been signed out: sign in again in a new tab, then try again here.");
    if (unsaved) parts.push(`${plural(unsaved, "question")} not saved.`);
    else if (this.hadUnsaved) parts.push("All changes saved.");
    const banner = parts.join(" ");
    if (this.banner && this.banner.textContent !== banner) this.banner.textContent = banner;
  }
}

const autosaved = document.querySelector("form[data-autosave]");
if (autosaved) new Page(autosaved);
