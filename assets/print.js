/* Printing a page (the 导出 PDF button, or the browser's own print): each AG Grid switches to its
   print layout (every row and column drawn, none virtualised away), and back afterwards; the
   layout is the print stylesheet's (assets/print.css). */
(function () {
  function grids() {
    var out = [];
    if (!window.dash_ag_grid || !window.dash_ag_grid.getApi) { return out; }
    document.querySelectorAll('.ag-root-wrapper').forEach(function (el) {
      var host = el.closest('[id]');
      if (!host) { return; }
      try {
        var api = window.dash_ag_grid.getApi(host.id);
        if (api) { out.push(api); }
      } catch (e) { /* a grid not ready yet prints as it is */ }
    });
    return out;
  }
  function layout(mode) {
    grids().forEach(function (api) {
      try {
        api.setGridOption('domLayout', mode);
        if (mode === 'print') { api.sizeColumnsToFit && api.sizeColumnsToFit(); }
      } catch (e) { /* an older grid without the option prints as it is */ }
    });
  }
  window.addEventListener('beforeprint', function () { layout('print'); });
  window.addEventListener('afterprint', function () { layout('normal'); });
  // the button: lay the grids out first, then open the print dialog once they have drawn
  window.kanbanPrint = function () {
    layout('print');
    setTimeout(function () { window.print(); }, 400);
  };
})();
