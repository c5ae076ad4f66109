// The virtual phone: the device API's reference client. It does what the CallbackNow app does, with nothing but
// the device API (/device/v1/): who am I, long-poll the open call requests, open, call back, decline.
// Without this script the page still works: the server renders the same list with forms.
(function () {
  "use strict";
  const root = document.getElementById("phone");
  if (!root || !window.fetch || !window.localStorage) return;

  const API = root.dataset.api; // "/device/v1/"
  const STORE = "callbacknow.phone.key"; // the key stays in this browser, never in a URL
  const WAIT_SECONDS = 25; // how long one poll may wait for a change (the API allows 0 to 30)
  const MAX_BACKOFF_SECONDS = 30;
  const OUTCOME_SHOWN_MS = 8000; // a closed request stays on screen this long
  const T = JSON.parse(document.getElementById("phone-strings").textContent);
  const COUNTRIES = JSON.parse(document.getElementById("phone-countries").textContent);

  const $ = (selector, within) => (within || document).querySelector(selector);
  const keyView = $("#phone-key"), screen = $("#phone-screen"), keyForm = $("#phone-key-form");
  const list = $("#phone-list"), closed = $("#phone-closed"), empty = $("#phone-empty");
  const statusLine = $("#phone-status"), apiLog = $("#phone-log");
  const cardBlank = $("#phone-card-template").content.firstElementChild;
  const outcomeBlank = $("#phone-outcome-template").content.firstElementChild;

  let key = null;
  let session = null; // {controller}: one per connected key; aborting it stops the poll loop

  class ApiError extends Error {
    constructor(status, reason) {
      super(reason || "HTTP " + status);
      this.status = status;
      this.reason = reason;
    }
  }

  function fill(text, values) {
    return text.replace(/%\((\w+)\)s/g, (_, name) => values[name]);
  }

  // Plain words for a failed call: the API's reason, known to the page's catalogue, or what happened.
  function plainWords(error) {
    if (error instanceof ApiError) {
      if (T.errors[error.reason]) return T.errors[error.reason];
      const moved = /^call request is (\w+)$/.exec(error.reason || "");
      if (moved && T.outcomes[moved[1]]) return T.outcomes[moved[1]];
      return fill(T.failed, { status: error.status });
    }
    return T.network;
  }

  function say(text, problem) {
    statusLine.textContent = text;
    statusLine.classList.toggle("problem", Boolean(problem));
  }

  function logCall(method, path, status, started) {
    const entry = document.createElement("li");
    const what = document.createElement("span");
    const result = document.createElement("span");
    what.className = "path";
    // Break long paths after a slash, "?" or "&", not inside an ID.
    (method + " " + API + path).split(/(?<=[/?&])/).forEach((part, index) => {
      if (index) what.append(document.createElement("wbr"));
      what.append(part);
    });
    result.className = "status" + (status && status < 400 ? "" : " problem");
    result.textContent = (status || "—") + " · " + Math.round(performance.now() - started) + " ms";
    entry.append(what, result);
    apiLog.prepend(entry);
    while (apiLog.children.length > 8) apiLog.lastElementChild.remove();
  }

  // One call of the device API: the key as a bearer token, JSON back; an ApiError for any answer but 2xx.
  async function call(method, path, signal) {
    const started = performance.now();
    let response;
    try {
      response = await fetch(API + path, {
        method: method,
        headers: { Authorization: "Bearer " + key, Accept: "application/json" },
        credentials: "omit", // the API knows the phone by its key alone, never by a cookie
        cache: "no-store",
        keepalive: method === "POST", // an answer still arrives when tapping "Call back" leaves the page
        signal: signal,
      });
    } catch (error) {
      if (error.name !== "AbortError") logCall(method, path, null, started);
      throw error;
    }
    logCall(method, path, response.status, started);
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new ApiError(response.status, body.reason);
    return body;
  }

  const sleep = (ms, signal) =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      signal.addEventListener("abort", () => { clearTimeout(timer); resolve(); }, { once: true });
    });

  // Times as the server's pages write them: "2026-12-01 09:24" in the site's time zone.
  const clock = new Intl.DateTimeFormat("en-CA", {
    timeZone: root.dataset.timeZone || undefined,
    year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  });
  function shortTime(iso) {
    const parts = {};
    clock.formatToParts(new Date(iso)).forEach((part) => { parts[part.type] = part.value; });
    return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
  }

  function countryName(code) {
    return COUNTRIES[code] || code;
  }

  function slot(element, name) {
    return element.querySelector(`[data-slot="${name}"]`);
  }

  function showState(element, state) {
    const badge = slot(element, "state");
    badge.className = "badge badge-" + state;
    badge.textContent = T.states[state] || state;
  }

  // A card for an open request, filled from the API's JSON.
  function fillCard(card, request) {
    card.id = request.id;
    card.dataset.state = request.state;
    card.request = request;
    showState(card, request.state);
    const time = slot(card, "time");
    time.dateTime = request.created_at;
    time.textContent = shortTime(request.created_at);
    slot(card, "national").textContent = request.requester.national_number;
    slot(card, "e164").textContent = request.requester.number;
    slot(card, "country").textContent = countryName(request.requester.country);
    slot(card, "message").textContent = request.message;
    const opened = request.state === "seen";
    card.querySelector('[data-action="seen"]').hidden = opened;
    const dial = card.querySelector('[data-action="answer"]');
    dial.hidden = !opened;
    dial.href = "tel:" + request.requester.number;
    card.querySelector('[data-action="decline"]').hidden = !opened;
  }

  function showList(requests) {
    const open = new Set(requests.map((request) => request.id));
    Array.from(list.children).forEach((card) => {
      if (!open.has(card.id)) closedElsewhere(card);
    });
    requests.forEach((request) => {
      let card = document.getElementById(request.id);
      if (!card || card.parentNode !== list) card = cardBlank.cloneNode(true);
      fillCard(card, request);
      list.append(card); // in the API's order: newest first
    });
    empty.hidden = list.children.length > 0;
  }

  // A request left the open list without this phone closing it (cancelled, expired, or answered elsewhere).
  async function closedElsewhere(card) {
    card.remove();
    try {
      const body = await call("GET", "call-requests/" + encodeURIComponent(card.id), session.controller.signal);
      showOutcome(body.call_request);
    } catch (error) {
      if (error.name !== "AbortError") showOutcome(Object.assign({}, card.request, { state: "expired" }));
    }
  }

  function showOutcome(request) {
    const previous = document.getElementById("closed-" + request.id);
    if (previous) previous.remove();
    const outcome = outcomeBlank.cloneNode(true);
    outcome.id = "closed-" + request.id;
    outcome.dataset.state = request.state;
    showState(outcome, request.state);
    slot(outcome, "outcome").textContent = T.outcomes[request.state] || "";
    slot(outcome, "national").textContent = request.requester.national_number;
    slot(outcome, "e164").textContent = request.requester.number;
    const dial = slot(outcome, "dial");
    dial.href = "tel:" + request.requester.number;
    dial.hidden = request.state !== "answered";
    closed.prepend(outcome);
    const card = document.getElementById(request.id);
    if (card && card.parentNode === list) card.remove();
    empty.hidden = list.children.length > 0;
    setTimeout(() => {
      outcome.classList.add("leaving");
      setTimeout(() => outcome.remove(), 600);
    }, OUTCOME_SHOWN_MS);
  }

  // The poll loop: the open requests now, then again each time they change (or every WAIT_SECONDS).
  async function listen(signal) {
    let cursor = null;
    let backoff = 0;
    while (!signal.aborted) {
      try {
        // The first call answers at once; later ones wait for a change since the cursor they pass.
        const query = cursor === null ? "?wait=0" : `?wait=${WAIT_SECONDS}&cursor=${encodeURIComponent(cursor)}`;
        const body = await call("GET", "call-requests" + query, signal);
        cursor = body.cursor;
        backoff = 0;
        showList(body.call_requests);
        say(T.live);
      } catch (error) {
        if (signal.aborted) return;
        if (error.status === 401) return disconnect(plainWords(error));
        backoff = Math.min(backoff ? backoff * 2 : 1, MAX_BACKOFF_SECONDS);
        say(plainWords(error) + " " + fill(T.retrying, { seconds: backoff }), true);
        await sleep(backoff * 1000, signal);
      }
    }
  }

  async function connect(text) {
    if (session) session.controller.abort();
    key = text;
    session = { controller: new AbortController() };
    const signal = session.controller.signal;
    say(T.checking);
    let me;
    try {
      me = await call("GET", "me", signal);
    } catch (error) {
      if (signal.aborted) return;
      if (error.status === 401) return disconnect(plainWords(error));
      say(plainWords(error), true); // the server is down: keep the key, try again on the next visit
      return;
    }
    localStorage.setItem(STORE, key);
    const subscriber = me.subscriber;
    $("#phone-owner-national").textContent = subscriber.national_number;
    $("#phone-owner-e164").textContent = subscriber.number;
    $("#phone-owner-country").textContent = countryName(subscriber.country);
    $("#phone-owner-operator").textContent = subscriber.operator;
    $("#phone-owner-test").hidden = !subscriber.test; // test mode's phone: only test tokens reach it
    list.replaceChildren(); // the server's rendering of the list gives way to the live one
    empty.hidden = true; // until the first list arrives
    keyView.hidden = true;
    screen.hidden = false;
    listen(signal);
  }

  // The key does not work (unknown or revoked): forget it and ask for one, saying why.
  function disconnect(reason) {
    if (session) session.controller.abort();
    session = null;
    key = null;
    localStorage.removeItem(STORE);
    screen.hidden = true;
    keyView.hidden = false;
    keyError(reason);
  }

  function keyError(text) {
    const input = keyForm.elements.namedItem("key");
    let error = document.getElementById(input.id + "_error"); // where the server puts the field's errors
    if (!error) {
      error = document.createElement("ul");
      error.className = "errorlist";
      error.id = input.id + "_error";
      error.setAttribute("role", "alert");
      input.insertAdjacentElement("afterend", error);
    }
    error.replaceChildren();
    if (text) {
      const item = document.createElement("li");
      item.textContent = text;
      error.append(item);
    }
    input.setAttribute("aria-invalid", text ? "true" : "false");
  }

  keyForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = keyForm.elements.namedItem("key").value.trim();
    keyError(text ? "" : T.errors["missing device key"]);
    if (text) connect(text);
  });

  // Forgetting: this browser's copy goes here; the form then asks the server to drop its cookie too.
  $("#phone-forget-form").addEventListener("submit", () => {
    if (session) session.controller.abort();
    localStorage.removeItem(STORE);
  });

  async function act(card, action) {
    const error = slot(card, "error");
    error.hidden = true;
    try {
      const body = await call("POST", `call-requests/${encodeURIComponent(card.id)}/${action}`, session.controller.signal);
      if (body.call_request.state === "seen") fillCard(card, body.call_request);
      else showOutcome(body.call_request);
    } catch (failure) {
      if (failure.name === "AbortError") return;
      const moved = failure instanceof ApiError && /^call request is (\w+)$/.exec(failure.reason || "");
      if (moved) return showOutcome(Object.assign({}, card.request, { state: moved[1] }));
      error.textContent = plainWords(failure);
      error.hidden = false;
    }
  }

  list.addEventListener("click", (event) => {
    const control = event.target.closest("[data-action]");
    if (!control) return;
    // "Call back" is a tel: link: the phone dials (the default action) and the API hears it was answered.
    if (control.dataset.action !== "answer") event.preventDefault();
    act(control.closest(".call-card"), control.dataset.action);
  });

  const known = root.dataset.key || localStorage.getItem(STORE);
  if (known) connect(known);
})();
