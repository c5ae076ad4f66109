const crypto = require("node:crypto");

// The event if CallbackNow signed this request within the last 5 minutes, otherwise null.
// secret: the endpoint's whsec_… secret; headers: as Node gives them (names in lower case); body: the raw body.
function verifyWebhook(secret, headers, body) {
  const id = headers["webhook-id"] || "";
  const timestamp = headers["webhook-timestamp"] || "";
  if (!id || !/^\d+$/.test(timestamp) || Math.abs(Date.now() / 1000 - Number(timestamp)) > 5 * 60) {
    return null;
  }
  const key = Buffer.from(secret.slice("whsec_".length), "base64");
  const expected = crypto.createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest();
  for (const signature of (headers["webhook-signature"] || "").split(" ")) {
    const [version, value] = signature.split(",");
    const given = Buffer.from(value || "", "base64");
    if (version === "v1" && given.length === expected.length && crypto.timingSafeEqual(given, expected)) {
      return JSON.parse(body);
    }
  }
  return null;
}

// In your endpoint (http.createServer or Express with express.raw()): read the body as a string, unparsed, then
// const event = verifyWebhook(process.env.WEBHOOK_SECRET, req.headers, body);
// if (event === null) { res.writeHead(400).end(); return; }
