// Panels below the fold (components/loading.py `lazy`): each carries data-seen-store, the id of a
// dcc.Store its callback takes as an input. When the panel comes within a quarter of a screen of the
// viewport, or the page is printed, the store is set to true and the callback draws it. Panels are
// watched only once the page's other panels are drawn: while they load, their skeletons are
// shorter than what comes, and everything would look near.
(function () {
  "use strict";
  function see(el) {
    const clientside = window.dash_clientside;
    if (!clientside || !clientside.set_props || el.dataset.seen === "1") return false;
    el.dataset.seen = "1";
    clientside.set_props(el.dataset.seenStore, { data: true });
    return true;
  }
  const near = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (entry.isIntersecting && see(entry.target)) near.unobserve(entry.target);
      }
    },
    { rootMargin: "25% 0px" }
  );
  // Watched once the page has been quiet a moment: no DOM change and no callback in flight for
  // QUIET ms. Between the layout's arrival and its callbacks' requests there is an instant with no
  // loading marker, the panels above still empty, and everything near (seen in a test at load).
  const QUIET = 250, MOST = 3000; // a page that never stops changing is watched after MOST ms
  let timer = null, since = 0;
  function watch() {
    timer = null;
    if (document.querySelector('[data-dash-is-loading="true"]') && Date.now() - since < MOST) {
      timer = setTimeout(watch, QUIET);
      return;
    }
    since = 0;
    // a panel drawn again (a page rendered anew) is a new element: watched afresh
    document.querySelectorAll(".lazy-panel:not([data-watched])").forEach((el) => {
      el.dataset.watched = "1";
      near.observe(el);
    });
  }
  new MutationObserver(() => {
    if (!document.querySelector(".lazy-panel:not([data-watched])")) return;
    if (!since) since = Date.now();
    clearTimeout(timer);
    timer = setTimeout(watch, Date.now() - since < MOST ? QUIET : 0);
  }).observe(document.documentElement, { childList: true, subtree: true });
  window.addEventListener("beforeprint", () => document.querySelectorAll(".lazy-panel").forEach(see));
})();
