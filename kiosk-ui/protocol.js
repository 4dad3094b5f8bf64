// The browser's side of the kiosk protocol. The message shapes are defined, typed, in ONE
// place: firmware/src/kiosk/protocol.ts. This file only carries them over the socket.

/** @typedef {import('../firmware/src/kiosk/protocol.js').ServerMessage} ServerMessage */
/** @typedef {import('../firmware/src/kiosk/protocol.js').KioskView} KioskView */
/** @typedef {import('../firmware/src/kiosk/protocol.js').CommandName} CommandName */

export const PROTOCOL_VERSION = 1;
const REQUEST_TIMEOUT_MS = 15000;
const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 5000;

export class KioskConnection {
  /**
   * @param {string} url
   * @param {{ onView: (view: KioskView, changed: Partial<KioskView>) => void, onStatus: (connected: boolean) => void }} handlers
   */
  constructor(url, handlers) {
    this.url = url;
    this.handlers = handlers;
    /** @type {KioskView|null} */
    this.view = null;
    this.seq = -1;
    this.nextId = 1;
    /** @type {Map<number, {resolve: (data: unknown) => void, reject: (error: {code: string, message: string}) => void, timer: number}>} */
    this.pending = new Map();
    this.delayMs = RECONNECT_MIN_MS;
    /** @type {WebSocket|null} */
    this.socket = null;
    this.open();
  }

  open() {
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.addEventListener('open', () => {
      this.delayMs = RECONNECT_MIN_MS;
    });
    socket.addEventListener('message', (event) => this.receive(String(event.data)));
    socket.addEventListener('close', () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.handlers.onStatus(false);
      for (const [id, entry] of this.pending) {
        clearTimeout(entry.timer);
        entry.reject({ code: 'OFFLINE', message: 'connection lost' });
        this.pending.delete(id);
      }
      // Back off, with a little jitter so several screens do not reconnect in lockstep.
      const delay = this.delayMs + Math.floor(Math.random() * 200);
      this.delayMs = Math.min(RECONNECT_MAX_MS, this.delayMs * 2);
      setTimeout(() => this.open(), delay);
    });
  }

  /** @param {string} text */
  receive(text) {
    /** @type {ServerMessage} */
    let message;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (message.type === 'snapshot') {
      this.seq = message.seq;
      this.view = message.view;
      this.handlers.onStatus(true);
      this.handlers.onView(this.view, message.view);
    } else if (message.type === 'delta') {
      if (!this.view || message.seq !== this.seq + 1) {
        // A missed delta: start again from a fresh snapshot.
        this.socket?.close();
        return;
      }
      this.seq = message.seq;
      this.view = { ...this.view, ...message.changes };
      this.handlers.onView(this.view, message.changes);
    } else if (message.type === 'reply') {
      const entry = this.pending.get(Number(message.id));
      if (!entry) return;
      clearTimeout(entry.timer);
      this.pending.delete(Number(message.id));
      if (message.status === 'ok') entry.resolve(message.data);
      else entry.reject(message.error);
    }
  }

  /**
   * Sends a command; resolves with its data or rejects with `{code, message}`.
   * @param {CommandName} command
   * @param {Record<string, unknown>} [payload]
   * @returns {Promise<any>}
   */
  request(command, payload = {}) {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return Promise.reject({ code: 'OFFLINE', message: 'not connected' });
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = window.setTimeout(() => {
        this.pending.delete(id);
        reject({ code: 'TIMEOUT', message: 'no reply' });
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer });
      socket.send(JSON.stringify({ type: 'request', id, command, payload }));
    });
  }
}
