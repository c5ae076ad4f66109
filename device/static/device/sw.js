// The virtual phone's service worker, served at /sw.js (the site's root): a Web Push message from CallbackNow
// (its payload decrypted by the browser: {call_request_id, action, title, body, silent}) shows a notification while no
// tab of the site is visible, and a withdrawal (the request was cancelled) closes it. A click opens the phone.
"use strict";

const FALLBACK_TITLE = "새 전화요청 · New call request";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("push", (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch (error) {
    message = {};
  }
  event.waitUntil(handle(message));
});

async function handle(message) {
  const tag = "call-request-" + (message.call_request_id || "");
  if (message.action === "withdraw") {
    const shown = await self.registration.getNotifications({ tag: tag });
    shown.forEach((notification) => notification.close());
    return;
  }
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  if (windows.some((client) => client.visibilityState === "visible")) return; // the open phone shows it already
  await self.registration.showNotification(message.title || FALLBACK_TITLE, {
    body: message.body || "",
    tag: tag,
    renotify: true,
    requireInteraction: !message.silent,
    silent: Boolean(message.silent), // quiet hours: shown without sound or vibration
    data: { url: "/phone/", call_request_id: message.call_request_id },
  });
}

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      const phone = windows.find((client) => new URL(client.url).pathname.startsWith("/phone/"));
      return phone ? phone.focus() : self.clients.openWindow("/phone/");
    })
  );
});
