// Dash's renderer (4.x) makes every component it draws anew dispatch RESET_COMPONENT_STATE once
// mounted, and every dispatch runs the selectors of every component on the page: a callback that
// returns 300 components onto a page of 600 costs 300 × 600 × 2 selector runs (about a second of a
// phone's or a loaded machine's time on the overview). The action only drops the render hashes
// kept under the component's path; a freshly drawn component has none, and the action then changes
// nothing but the state's identity. Such no-op dispatches are left out here, before they wake every
// selector; one that has hashes to drop goes through as before. The renderer hands its store to
// `window.store` when it starts (after the assets have run), which is where it is taken.
// Written against dash==4.4.1 (requirements.txt); tests/ui/test_overview.py checks that it acts.
(function () {
  "use strict";
  const stats = (window.kanbanRenderer = { skipped: 0, passed: 0, notified: 0 });
  let current;

  function hasHashesUnder(state, path) {
    const prefix = path.join(",");
    const hashes = (state && state.layoutHashes) || {};
    for (const key in hashes) {
      if (key.startsWith(prefix)) return true;
    }
    return false;
  }

  function wrap(store) {
    if (!store || store.kanbanWrapped) return;
    const dispatch = store.dispatch;
    store.dispatch = function (action) {
      if (action && action.type === "RESET_COMPONENT_STATE" && action.payload && Array.isArray(action.payload.itempath)) {
        if (!hasHashesUnder(store.getState(), action.payload.itempath)) {
          stats.skipped += 1;
          return action;
        }
        stats.passed += 1;
      }
      return dispatch.apply(this, arguments);
    };
    // The components' subscription (react-redux's, made when the app mounts, after this runs;
    // Dash's own callback observer subscribed before and is left as it is) is told of a burst of
    // dispatches once, at the end of the task that made them, rather than after each: what each
    // component selects is read from the store as it then stands (redux's "batched subscribe").
    const subscribe = store.subscribe;
    store.subscribe = function (listener) {
      let queued = false;
      let live = true;
      const unsubscribe = subscribe.call(this, function () {
        stats.notified += 1;
        if (queued) return;
        queued = true;
        queueMicrotask(function () {
          queued = false;
          if (live) listener();
        });
      });
      return function () {
        live = false;
        return unsubscribe();
      };
    };
    store.kanbanWrapped = true;
  }

  Object.defineProperty(window, "store", {
    configurable: true,
    get() {
      return current;
    },
    set(store) {
      current = store;
      wrap(store);
    },
  });
})();
