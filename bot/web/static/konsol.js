// Jemput Bola staff console: small progressive enhancements (the pages work without them).
"use strict";

function sortTable(table, column, header) {
  const body = table.tBodies[0];
  const numeric = header.dataset.sort === "number";
  const ascending = header.getAttribute("aria-sort") !== "ascending";
  for (const th of table.tHead.rows[0].cells) th.removeAttribute("aria-sort");
  header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  const key = (row) => {
    const cell = row.cells[column];
    const raw = cell.dataset.value !== undefined ? cell.dataset.value : cell.textContent.trim();
    return numeric ? parseFloat(raw) || 0 : raw.toLowerCase();
  };
  const rows = Array.from(body.rows);
  rows.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0) * (ascending ? 1 : -1));
  for (const row of rows) body.appendChild(row);
}

document.addEventListener("DOMContentLoaded", () => {
  for (const table of document.querySelectorAll("table.sortable")) {
    Array.from(table.tHead.rows[0].cells).forEach((th, i) => {
      th.tabIndex = 0;
      th.addEventListener("click", () => sortTable(table, i, th));
      th.addEventListener("keydown", (e) => { if (e.key === "Enter") sortTable(table, i, th); });
    });
  }
  for (const button of document.querySelectorAll("button[data-confirm]")) {
    button.addEventListener("click", (e) => {
      if (!window.confirm(button.dataset.confirm)) e.preventDefault();
    });
  }
  const upload = document.getElementById("upload");
  if (upload) {
    upload.addEventListener("submit", () => {
      const bar = document.getElementById("upload-progress");
      bar.hidden = false;
      bar.removeAttribute("value");  // indeterminate while the server imports
      document.getElementById("upload-button").disabled = true;
    });
  }
});
