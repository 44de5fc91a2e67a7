/* 数据上传 /upload: the browser side of pages/upload.py (one clientside callback).
 *
 * dcc.Upload reads the dropped files as base64 data URLs. Before anything is sent, this keeps
 * only files within the page's limits (per file, per upload), so that an oversized file is
 * never posted (a post over the server's request cap would fail without a word): for those
 * only the name and size go to the server, which answers with the refusal in words. The
 * server checks type and sizes again on what it receives. The Upload's contents are cleared
 * afterwards, so the browser does not keep the files and the same file can be dropped again.
 */
(function () {
    'use strict';
    var dc = (window.dash_clientside = window.dash_clientside || {});

    function bytesOf(dataUrl) {
        var comma = dataUrl.indexOf(',');
        var b64 = comma >= 0 ? dataUrl.slice(comma + 1) : dataUrl;
        var pad = b64.endsWith('==') ? 2 : (b64.endsWith('=') ? 1 : 0);
        return Math.floor(b64.length * 3 / 4) - pad;
    }

    dc.upload = {
        filter: function (contents, names, limits) {
            var no = window.dash_clientside.no_update;
            if (!contents) { return [no, no, no]; }
            if (!Array.isArray(contents)) { contents = [contents]; names = [names]; }
            var sizes = contents.map(bytesOf);
            var total = sizes.reduce(function (a, b) { return a + b; }, 0);
            var over = total > limits.total;
            var files = contents.map(function (content, i) {
                var keep = !over && sizes[i] <= limits.file;
                return {name: names[i], size: sizes[i], content: keep ? content : null};
            });
            return [{files: files, total: total, at: Date.now()}, null, null];
        }
    };
})();
