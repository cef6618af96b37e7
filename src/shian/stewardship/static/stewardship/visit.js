// 包保督导 visit form: the browser's position into the hidden fields; a 不符合 step asks for its note.
(function () {
  "use strict";
  var form = document.getElementById("steward-visit-form");
  if (!form) { return; }
  var status = document.getElementById("geo-status");
  function say(text) { if (status) { status.textContent = text; } }
  if (navigator.geolocation) {
    navigator.geolocation.getCurrentPosition(function (p) {
      document.getElementById("visit-lat").value = p.coords.latitude.toFixed(6);
      document.getElementById("visit-lng").value = p.coords.longitude.toFixed(6);
      say("已记录位置：" + p.coords.latitude.toFixed(4) + "，" + p.coords.longitude.toFixed(4));
    }, function () { say("未能获取位置（可继续提交）"); },
    { enableHighAccuracy: true, timeout: 8000, maximumAge: 60000 });
  } else {
    say("此浏览器不支持定位（可继续提交）");
  }
  form.addEventListener("change", function (e) {
    var t = e.target;
    if (t.name && t.name.indexOf("result") === 0) {
      var note = document.getElementById("note" + t.name.slice(6));
      if (note) { note.required = t.value === "fail"; if (t.value === "fail") { note.focus(); } }
    }
  });
})();
