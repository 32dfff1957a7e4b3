// Portal behaviour that needs script: htmx error messages and confirmations. No inline scripts (CSP).
(function () {
  "use strict";

  function showHtmxError(message) {
    var box = document.getElementById("htmx-error");
    if (!box) { return; }
    box.textContent = message;
    box.hidden = false;
  }

  // htmx does not swap 4xx/5xx responses, so without this a failed request is silent.
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    var message = status === 403 ? "没有权限执行此操作（403）"
      : status === 404 ? "记录不存在或不在您的权限范围内（404）"
      : status === 429 ? "操作过于频繁，请稍后再试（429）"
      : "操作失败，请刷新页面后重试（错误 " + status + "）";
    showHtmxError(message);
  });
  document.addEventListener("htmx:sendError", function () {
    showHtmxError("无法连接服务器，请检查网络后重试");
  });
  document.addEventListener("htmx:beforeRequest", function () {
    var box = document.getElementById("htmx-error");
    if (box) { box.hidden = true; }
  });

  // Length limits: fields carry data-maxlength (never maxlength, which cuts pasted text silently);
  // a live count beside the field says how much is left, and the server refuses what is too long.
  function countCharacters(value) {
    return Array.from(value).length;  // code points, as the server counts them
  }
  document.addEventListener("input", function (event) {
    var input = event.target;
    var limit = input.getAttribute && parseInt(input.getAttribute("data-maxlength"), 10);
    if (!limit) { return; }
    var counter = document.getElementById(input.id + "-count");
    if (!counter) { return; }
    var used = countCharacters(input.value);
    counter.textContent = used > limit
      ? used + " / " + limit + "，已超出 " + (used - limit) + " 字"
      : used + " / " + limit;
    counter.classList.toggle("over", used > limit);
    if (counter.hasAttribute("data-quiet")) { counter.hidden = used < limit * 0.8; }
  });

  // Destructive actions ask first: forms and buttons carry data-confirm="…".
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
  document.addEventListener("htmx:confirm", function (event) {
    var question = event.detail.elt.getAttribute("data-confirm");
    if (question) {
      event.preventDefault();
      if (window.confirm(question)) { event.detail.issueRequest(true); }
    }
  });
})();
