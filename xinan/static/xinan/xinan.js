/* xinan's own behaviour on top of Tabler and htmx. No inline scripts in templates: keep them here
   so a Content-Security-Policy without 'unsafe-inline' works. */
(function () {
  "use strict";

  // A failed htmx request (4xx/5xx, or no answer) is shown as an alert instead of failing silently.
  function showError(text) {
    var box = document.getElementById("xn-messages");
    if (!box) return;
    var alert = document.createElement("div");
    alert.className = "alert alert-danger alert-dismissible";
    alert.setAttribute("role", "alert");
    var body = document.createElement("div");
    body.textContent = text;
    var close = document.createElement("a");
    close.className = "btn-close";
    close.setAttribute("data-bs-dismiss", "alert");
    close.setAttribute("aria-label", "×");
    alert.appendChild(body);
    alert.appendChild(close);
    box.appendChild(alert);
  }

  var zh = (document.documentElement.lang || "").toLowerCase().indexOf("zh") === 0;

  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var status = xhr ? xhr.status : "";
    showError((zh ? "请求失败" : "The request failed") + (status ? " (HTTP " + status + ")" : ""));
  });
  document.addEventListener("htmx:sendError", function () {
    showError(zh ? "无法连接服务器,请稍后重试。" : "The server could not be reached; please try again.");
  });
})();
