// Installed in every document before the page's own scripts run (BrowserContext.add_init_script), in every
// frame. It watches two things the observation and the actions need and the DOM does not say:
// - which elements got a click-type listener (addEventListener leaves no trace a script can read later), so a
//   `span` made clickable by script is printed with an id;
// - when the page last changed and how many fetch/XHR requests are in flight, so an action waits until the
//   page has settled instead of observing a half-rendered one.
// Idempotent: evaluating it again in a document that has it does nothing.
(() => {
  const KEY = Symbol.for('plan-and-act.hooks');
  if (window[KEY]) return;
  const OWN_ATTRIBUTES = new Set(['data-pa-id', 'data-pa-next']);
  const CLICK_EVENTS = new Set(['click', 'mousedown', 'mouseup', 'pointerdown', 'pointerup', 'touchstart',
                                'touchend', 'dblclick', 'auxclick']);
  const state = {clickables: new WeakSet(), lastChange: performance.now(), inflight: 0, observing: false};
  Object.defineProperty(window, KEY, {value: state, enumerable: false});

  const addListener = EventTarget.prototype.addEventListener;
  EventTarget.prototype.addEventListener = function (type, listener, options) {
    if (CLICK_EVENTS.has(type) && this instanceof Element && this !== document.documentElement &&
        this !== document.body) {
      state.clickables.add(this);
    }
    return addListener.call(this, type, listener, options);
  };

  const changed = () => { state.lastChange = performance.now(); };
  const observer = new MutationObserver((records) => {
    for (const record of records) {
      if (record.type !== 'attributes' || !OWN_ATTRIBUTES.has(record.attributeName)) { changed(); return; }
    }
  });
  const observe = () => {
    if (state.observing) return;
    observer.observe(document, {subtree: true, childList: true, characterData: true, attributes: true});
    state.observing = true;
  };
  observe();

  if (window.fetch) {
    const fetch = window.fetch;
    window.fetch = function (...args) {
      state.inflight++;
      const done = () => { state.inflight--; changed(); };
      try {
        return fetch.apply(this, args).then((r) => { done(); return r; }, (e) => { done(); throw e; });
      } catch (e) { done(); throw e; }
    };
  }
  const send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function (...args) {
    state.inflight++;
    addListener.call(this, 'loadend', () => { state.inflight--; changed(); }, {once: true});
    try { return send.apply(this, args); } catch (e) { state.inflight--; throw e; }
  };
})();
