/* One view, one published version: the browser side of metrics/serving.py.
 *
 * A page is drawn by several callbacks sent side by side (cards, scorecard and map,
 * distributions, the shell's 数据截至), and by the callbacks that follow from their answers.
 * Every callback request of such a burst carries the same X-Dash-View id, and the server
 * answers all requests of one id from one published version, so a publish in the middle of
 * a burst cannot show the old warehouse in one panel and the new one in the next. A burst
 * ends when no callback request has been in flight for QUIET_MS, or at a user's action (a
 * click, a key, a file dropped); the next request (a filter change, a download, the wall's next
 * pull) starts a new view, which reads the newest version.
 */
(function () {
    'use strict';
    // Long enough for a busy browser to render one answer and send the callbacks it triggers
    // (500 ms split one page load into two views on a loaded machine), and shorter than the
    // wall's quickest refresh (2 s), whose every pull must read the newest version.
    var QUIET_MS = 1000;
    var HEADER = 'X-Dash-View';
    var original = window.fetch;
    if (!original || original.__dashView) { return; }

    var view = null;
    var inFlight = 0;
    var lastSettled = 0;

    function newId() {
        var bytes = new Uint8Array(16);
        window.crypto.getRandomValues(bytes);
        return Array.prototype.map.call(bytes, function (b) { return (b < 16 ? '0' : '') + b.toString(16); }).join('');
    }

    function isCallback(input) {
        var url = typeof input === 'string' ? input : (input && input.url) || '';
        return url.indexOf('_dash-update-component') >= 0;
    }

    var wrapped = function (input, init) {
        if (!isCallback(input)) { return original.apply(this, arguments); }
        if (view === null || (inFlight === 0 && performance.now() - lastSettled > QUIET_MS)) { view = newId(); }
        var options = Object.assign({}, init || {});
        var headers = new Headers(options.headers || {});
        headers.set(HEADER, view);
        options.headers = headers;
        inFlight += 1;
        var settle = function () { inFlight -= 1; lastSettled = performance.now(); };
        var answer = original.call(this, input, options);
        answer.then(settle, settle);
        return answer;
    };
    wrapped.__dashView = true;
    window.fetch = wrapped;
    // A user's action asks a new question: the callbacks it sends start a new view and read the
    // newest version (a download clicked right after an upload published must see that upload).
    ['pointerdown', 'keydown', 'change', 'drop'].forEach(function (name) {
        document.addEventListener(name, function () { if (inFlight === 0) { view = null; } }, true);
    });
}());
