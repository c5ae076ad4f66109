// The virtual phone: the device API's reference client. It does what the CallbackNow app does, with nothing but
// the device API (/device/v1/): who am I, the open call requests, their changes as they happen (the event stream,
// or the long poll where the stream does not get through), open, call back, decline; block a number or a
// developer, report spam, undo blocks, set quiet hours.
// Without this script the page still works: the server renders the same list with forms.
(function () {
  "use strict";
  const root = document.getElementById("phone");
  if (!root || !window.fetch || !window.localStorage) return;

  const API = root.dataset.api; // "/device/v1/"
  const STORE = "callbacknow.phone.key"; // the key stays in this browser, never in a URL
  const STORE_TEST = "callbacknow.phone.test"; // set while the stored key is a test phone's: its refusals differ
  const WAIT_SECONDS = 25; // how long one poll may wait for a change (the API allows 0 to 30)
  const MAX_BACKOFF_SECONDS = 30;
  const STREAM_TRIES = 3; // a stream failing this many times without ever opening gives way to the long poll
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
  // One per key: {controller, kept, backoff, failures, lastEventId}; aborting the controller ends its listening.
  let session = null;

  class ApiError extends Error {
    constructor(status, reason, retryAfter) {
      super(reason || "HTTP " + status);
      this.status = status;
      this.reason = reason;
      this.retryAfter = retryAfter; // seconds, from a 429's or 503's Retry-After
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

  function say(text) {
    statusLine.textContent = text;
    statusLine.classList.remove("problem");
    delete statusLine.dataset.connection;
  }

  // "Connected" only once the stream opened or a poll was answered; "Reconnecting" while the phone tries again.
  function showConnection(state, detail, problem) {
    const label = document.createElement("strong");
    label.textContent = T.connection[state];
    statusLine.replaceChildren(label, " ", detail);
    statusLine.classList.toggle("problem", Boolean(problem));
    statusLine.dataset.connection = state;
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
  async function call(method, path, signal, json) {
    const started = performance.now();
    const headers = { Authorization: "Bearer " + key, Accept: "application/json" };
    if (json !== undefined) headers["Content-Type"] = "application/json";
    let response;
    try {
      response = await fetch(API + path, {
        method: method,
        headers: headers,
        body: json === undefined ? undefined : JSON.stringify(json),
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
    const retryAfter = Number(response.headers.get("Retry-After")) || 0;
    if (!response.ok) throw new ApiError(response.status, body.reason, retryAfter);
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

  // Newest first, as the API lists them.
  function place(card) {
    const older = Array.from(list.children).find(
      (other) => other !== card && other.request.created_at < card.request.created_at
    );
    list.insertBefore(card, older || null);
  }

  function showCard(request) {
    let card = document.getElementById(request.id);
    if (!card || card.parentNode !== list) card = cardBlank.cloneNode(true);
    fillCard(card, request);
    place(card);
    empty.hidden = true;
  }

  // The whole open list (the first look, and each long poll's answer).
  function showList(requests) {
    const open = new Set(requests.map((request) => request.id));
    Array.from(list.children).forEach((card) => {
      if (!open.has(card.id)) closedElsewhere(card);
    });
    requests.forEach(showCard);
    empty.hidden = list.children.length > 0;
  }

  // One event of the stream: a request to show (again), or one that closed. Events may repeat after a resume.
  function showChange(request) {
    const card = document.getElementById(request.id);
    const shown = card && card.parentNode === list ? card : null;
    if (shown && shown.request.updated_at > request.updated_at) return; // older than what the phone shows
    if (!T.outcomes[request.state]) showCard(request);
    else if (shown) showOutcome(request);
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

  // After a failed call: a refused key ends the session; anything else is tried again later, saying so.
  async function backOff(error, signal) {
    if (signal.aborted) return false;
    if (error.status === 401) {
      disconnect(error);
      return false;
    }
    return retryLater(plainWords(error), signal, error.retryAfter);
  }

  async function retryLater(problem, signal, atLeast) {
    session.backoff = Math.max(Math.min(session.backoff * 2 || 1, MAX_BACKOFF_SECONDS), atLeast || 0);
    showConnection("reconnecting", problem + " " + fill(T.retrying, { seconds: session.backoff }), true);
    await sleep(session.backoff * 1000, signal);
    if (!signal.aborted) showConnection("reconnecting", T.trying); // a long poll says it got through only when it ends
    return !signal.aborted;
  }

  // One call, made again after each failure until it is answered: its answer, or null once the session ended.
  async function untilAnswered(method, path, signal) {
    for (;;) {
      try {
        const body = await call(method, path, signal);
        session.backoff = 0;
        return body;
      } catch (error) {
        if (!(await backOff(error, signal))) return null;
      }
    }
  }

  // The open requests at once, then their changes: from the event stream, or the long poll without EventSource.
  async function listen(signal) {
    const body = await untilAnswered("GET", "call-requests?wait=0", signal);
    if (!body) return;
    showList(body.call_requests);
    if (window.EventSource) stream(signal);
    else poll(signal);
  }

  // The long poll: the open requests now, then again each time they change (or every WAIT_SECONDS).
  async function poll(signal) {
    let cursor = null;
    while (!signal.aborted) {
      try {
        // The first call answers at once; later ones wait for a change since the cursor they pass.
        const query = cursor === null ? "?wait=0" : `?wait=${WAIT_SECONDS}&cursor=${encodeURIComponent(cursor)}`;
        const body = await call("GET", "call-requests" + query, signal);
        cursor = body.cursor;
        session.backoff = 0;
        showList(body.call_requests);
        showConnection("connected", T.poll);
      } catch (error) {
        if (!(await backOff(error, signal))) return;
      }
    }
  }

  // The event stream: a ticket first (an EventSource cannot send the key), then the stream with it.
  async function stream(signal) {
    const body = await untilAnswered("POST", "events/tickets", signal);
    if (body) openStream(body.ticket, signal);
  }

  function openStream(ticket, signal) {
    // A new EventSource goes on from the last event this phone saw; its own reconnections send Last-Event-ID.
    const resume = session.lastEventId ? "&last_event_id=" + encodeURIComponent(session.lastEventId) : "";
    const source = new EventSource(API + "events?ticket=" + encodeURIComponent(ticket) + resume);
    const started = performance.now();
    let opened = false;
    signal.addEventListener("abort", () => source.close(), { once: true });
    source.addEventListener("open", () => {
      opened = true;
      session.failures = 0;
      session.backoff = 0;
      logCall("GET", "events?ticket=…" + (resume && "&last_event_id=…"), 200, started);
      showConnection("connected", T.stream);
    });
    source.addEventListener("call_request", (event) => {
      session.lastEventId = event.lastEventId;
      showChange(JSON.parse(event.data).call_request);
    });
    source.addEventListener("error", () => streamFailed(source, opened, signal, started));
  }

  // EventSource reconnects by itself (readyState CONNECTING) while the stream keeps answering; it gives up (CLOSED)
  // on any other answer: the ticket expired, the key was refused, or the stream does not get through here.
  async function streamFailed(source, opened, signal, started) {
    if (signal.aborted) return;
    if (!opened) session.failures += 1;
    const givenUp = source.readyState === EventSource.CLOSED || session.failures >= STREAM_TRIES;
    if (!givenUp) return showConnection("reconnecting", opened ? T.dropped : T.unopened);
    source.close();
    if (opened) {
      showConnection("reconnecting", T.dropped);
      return stream(signal); // a new ticket at once: the old one expired, or the key was refused (its answer says)
    }
    logCall("GET", "events?ticket=…", null, started);
    if (session.failures >= STREAM_TRIES) return poll(signal);
    if (await retryLater(T.unopened, signal)) stream(signal);
  }

  async function connect(text) {
    if (session) session.controller.abort();
    if (text !== localStorage.getItem(STORE)) localStorage.removeItem(STORE_TEST); // the mark was another key's
    key = text;
    session = { controller: new AbortController(), backoff: 0, failures: 0, lastEventId: null };
    const signal = session.controller.signal;
    say(T.checking);
    const me = await untilAnswered("GET", "me", signal);
    if (!me) return;
    localStorage.setItem(STORE, key);
    session.kept = true;
    const subscriber = me.subscriber;
    if (subscriber.test) localStorage.setItem(STORE_TEST, "1");
    else localStorage.removeItem(STORE_TEST);
    $("#phone-owner-national").textContent = subscriber.national_number;
    $("#phone-owner-e164").textContent = subscriber.number;
    $("#phone-owner-country").textContent = countryName(subscriber.country);
    $("#phone-owner-operator").textContent = subscriber.operator;
    $("#phone-owner-test").hidden = !subscriber.test; // test mode's phone: only test tokens reach it
    list.replaceChildren(); // the server's rendering of the list gives way to the live one
    empty.hidden = true; // until the first list arrives
    keyView.hidden = true;
    screen.hidden = false;
    offerPush(me.push);
    loadControls(signal);
    listen(signal);
  }

  // Web Push: a request that arrives while this tab is hidden (or closed) shows a notification. The browser is
  // asked for permission on a click, never on load; the service worker (/sw.js, at the site's root) shows it.
  const pushBox = $("#phone-push"), pushButton = $("#phone-push-button"), pushStatus = $("#phone-push-status");
  const pushSupported = "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;

  function offerPush(target) {
    if (!pushBox || !pushSupported || !pushBox.dataset.vapid) return;
    pushBox.hidden = false;
    pushStatus.textContent = target && target.kind === "webpush" ? T.push.on : "";
  }

  function applicationServerKey(text) {
    const raw = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(raw, (character) => character.charCodeAt(0));
  }

  async function turnOnPush() {
    const permission = await Notification.requestPermission();
    if (permission !== "granted") {
      pushStatus.textContent = T.push.denied;
      return;
    }
    let subscription;
    try {
      const registration = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
      await navigator.serviceWorker.ready;
      subscription =
        (await registration.pushManager.getSubscription()) ||
        (await registration.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: applicationServerKey(pushBox.dataset.vapid),
        }));
    } catch (error) {
      pushStatus.textContent = T.push.unreachable; // no push service reachable from this browser
      return;
    }
    try {
      await call("PUT", "push", session.controller.signal, { kind: "webpush", subscription: subscription.toJSON() });
      pushStatus.textContent = T.push.on;
    } catch (failure) {
      if (failure.name !== "AbortError") pushStatus.textContent = plainWords(failure);
    }
  }

  if (pushButton) pushButton.addEventListener("click", () => turnOnPush());

  // The key does not work (unknown, revoked): forget it and ask for one, saying why; for a test phone, saying how
  // to open it again (its developer does that in Test mode, with no staff involved).
  function disconnect(error) {
    const newer = localStorage.getItem(STORE);
    // Another tab of this browser replaced the key this one had kept (the test phone opened again): follow it.
    if (session && session.kept && newer && newer !== key) return connect(newer);
    const test = localStorage.getItem(STORE_TEST) && T.test_phone_errors[error.reason];
    if (session) session.controller.abort();
    session = null;
    key = null;
    localStorage.removeItem(STORE);
    localStorage.removeItem(STORE_TEST);
    screen.hidden = true;
    keyView.hidden = false;
    keyError(test || plainWords(error), test && T.test_phone_again[error.reason]);
  }

  function keyError(text, again) {
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
      if (again) item.append(" ", testModeLink(again));
      error.append(item);
    }
    input.setAttribute("aria-invalid", text ? "true" : "false");
  }

  function testModeLink(text) {
    const link = document.createElement("a");
    link.href = T.test_mode_url;
    link.textContent = text;
    return link;
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
    localStorage.removeItem(STORE_TEST);
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

  // The subscriber's controls: block a request's number or developer, report it as spam, undo a block, quiet hours.
  const controlsStatus = $("#phone-controls-status"), blockList = $("#phone-blocks");
  const blocksEmpty = $("#phone-blocks-empty"), quietForm = $("#phone-quiet-form");

  function sayControl(text, problem) {
    controlsStatus.textContent = text;
    controlsStatus.classList.toggle("problem", Boolean(problem));
  }

  function blockName(block) {
    return block.kind === "number" ? block.number : block.developer;
  }

  function showBlocks(blocks) {
    blockList.replaceChildren(
      ...blocks.map((block) => {
        const item = document.createElement("li");
        item.id = block.id;
        item.dataset.kind = block.kind;
        const kind = document.createElement("span");
        kind.className = "muted";
        kind.textContent = T.controls[block.kind + "_kind"] + " ";
        const name = document.createElement("strong");
        name.textContent = blockName(block);
        const undo = document.createElement("button");
        undo.type = "button";
        undo.className = "secondary button-small";
        undo.dataset.undo = block.id;
        undo.textContent = T.controls.undo;
        undo.setAttribute("aria-label", T.controls.undo + " · " + blockName(block));
        item.append(kind, name, " ", undo);
        return item;
      })
    );
    blocksEmpty.hidden = blocks.length > 0;
  }

  async function loadControls(signal) {
    try {
      const [blocks, quiet] = await Promise.all([call("GET", "blocks", signal), call("GET", "quiet-hours", signal)]);
      showBlocks(blocks.blocks);
      showQuiet(quiet.quiet_hours);
    } catch (failure) {
      if (failure.name !== "AbortError") sayControl(plainWords(failure), true);
    }
  }

  function showQuiet(hours) {
    const fields = quietForm.elements;
    fields.namedItem("start").value = hours ? hours.start : "";
    fields.namedItem("end").value = hours ? hours.end : "";
    fields.namedItem("time_zone").value = hours
      ? hours.time_zone
      : Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    return hours ? fill(T.controls.quiet_saved, hours) : T.controls.quiet_none;
  }

  async function control(card, kind) {
    const signal = session.controller.signal;
    try {
      if (kind === "spam") {
        const body = await call("POST", `call-requests/${encodeURIComponent(card.id)}/spam`, signal);
        showOutcome(body.call_request);
        sayControl(T.controls.spam);
      } else {
        const body = await call("POST", "blocks", signal, { kind: kind, call_request: card.id });
        sayControl(fill(T.controls[kind], body.block));
      }
      await loadControls(signal);
    } catch (failure) {
      if (failure.name !== "AbortError") sayControl(plainWords(failure), true);
    }
  }

  list.addEventListener("click", (event) => {
    const button = event.target.closest("[data-control]");
    if (button) control(button.closest(".call-card"), button.dataset.control);
  });

  blockList.addEventListener("click", async (event) => {
    const button = event.target.closest("[data-undo]");
    if (!button) return;
    const signal = session.controller.signal;
    try {
      const body = await call("DELETE", "blocks/" + encodeURIComponent(button.dataset.undo), signal);
      sayControl(fill(T.controls.undone, { what: blockName(body.block) }));
    } catch (failure) {
      if (failure.name !== "AbortError") sayControl(plainWords(failure), true);
    }
    await loadControls(signal);
  });

  async function setQuiet(hours) {
    try {
      const body = await call("PUT", "quiet-hours", session.controller.signal, hours);
      sayControl(showQuiet(body.quiet_hours));
    } catch (failure) {
      if (failure.name !== "AbortError") sayControl(plainWords(failure), true);
    }
  }

  quietForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const fields = quietForm.elements;
    setQuiet({
      start: fields.namedItem("start").value,
      end: fields.namedItem("end").value,
      time_zone: fields.namedItem("time_zone").value.trim(),
    });
  });
  $("#phone-quiet-clear").addEventListener("click", () => setQuiet({}));

  const known = root.dataset.key || localStorage.getItem(STORE);
  if (known) connect(known);
})();
