// The date pickers (dcc.DatePickerSingle) take their month and weekday names from
// window.dateFns.locale (set by date-fns-zh-CN.min.js, date-fns 4.1.0's own build of its zh-CN
// locale): with one locale there, every browser gets Chinese names, whatever its language. The
// English page (?lang=en, a page load of its own) takes it away, and the pickers speak English.
(function () {
    if (new URLSearchParams(window.location.search).get('lang') === 'en' && window.dateFns) {
        window.dateFns.locale = {};
    }
})();
