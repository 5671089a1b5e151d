// Printable pages: shows the print button(s) and wires them to the browser's print dialog.
// Without JavaScript the page says how to print (Ctrl+P) and the button stays hidden.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
