// The client of the local snarewatch API. It talks to the configured server and nowhere else.

/** An error from the server or the network, with the HTTP status when there is one. */
export class ApiError extends Error {
  constructor(message, status = 0) {
    super(message);
    this.name = "ApiError";
    this.status = status;
  }
}

/** Explanations for the statuses users meet. */
const HINTS = {
  401: "The server refused the token: paste the one from `snarewatch serve --show-token` in the options.",
  403: "The server refused this extension's origin: start it with --allow-origin for this build.",
  413: "The page is too large to send.",
  429: "Too many requests: the server asked to slow down.",
  503: "The snarewatch store is busy: try again in a moment.",
};

/** A client bound to one server URL and token; `fetchFn` is injectable for tests. */
export class ApiClient {
  constructor({ serverUrl, token, timeoutMs = 10000 }, fetchFn = globalThis.fetch?.bind(globalThis)) {
    this.base = String(serverUrl).replace(/\/+$/, "");
    this.token = token;
    this.timeoutMs = timeoutMs;
    this.fetch = fetchFn;
  }

  async request(method, path, body) {
    if (!this.token) throw new ApiError("No token set: open the extension's options.", 401);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    let response;
    try {
      response = await this.fetch(`${this.base}${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${this.token}`,
          ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: controller.signal,
        credentials: "omit",
        cache: "no-store",
        referrerPolicy: "no-referrer",
      });
    } catch (err) {
      throw new ApiError(`Cannot reach the snarewatch server at ${this.base}: ${err?.message || err}`);
    } finally {
      clearTimeout(timer);
    }
    if (!response.ok) {
      let detail = "";
      try {
        detail = (await response.json()).detail;
      } catch {
        detail = "";
      }
      const text = typeof detail === "string" ? detail : JSON.stringify(detail);
      throw new ApiError(HINTS[response.status] || `Server error ${response.status}: ${text}`, response.status);
    }
    return response.json();
  }

  /** GET /v1/health */
  health() {
    return this.request("GET", "/v1/health");
  }

  /** POST /v1/classify */
  classify(body) {
    return this.request("POST", "/v1/classify", body);
  }

  /** GET /v1/findings?url= */
  findings(url) {
    return this.request("GET", `/v1/findings?url=${encodeURIComponent(url)}`);
  }

  /** POST /v1/feedback */
  feedback(body) {
    return this.request("POST", "/v1/feedback", body);
  }
}
