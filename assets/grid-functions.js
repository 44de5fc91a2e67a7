// Functions the grids name in their column definitions (components/tables.py), for dash-ag-grid:
// window.dashAgGridFunctions, referenced as {"function": "nullsLast"}. A comparator has to be a
// function; an expression or an arrow function written in Python reached the grid as nothing, and
// rows without a value (无数据) sorted first.
(function () {
    var funcs = (window.dashAgGridFunctions = window.dashAgGridFunctions || {});
    // numbers, rows without a value last whichever way the column is sorted (AG Grid inverts the
    // result for a descending sort, so a missing value compares as the larger only when ascending)
    funcs.nullsLast = function (a, b, nodeA, nodeB, isDescending) {
        if (a == null && b == null) { return 0; }
        if (a == null) { return isDescending ? -1 : 1; }
        if (b == null) { return isDescending ? 1 : -1; }
        return a - b;
    };
})();
