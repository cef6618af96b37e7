/* Field visit: the draft lives in localStorage and is sent when the network is there.
 * Every change is saved locally at once; "暂存" and "提交" send it; if sending fails (offline, server
 * away) it is sent again when the browser comes back online. Photos are resized and watermarked
 * with the business, time and place on a canvas before they are kept. No framework, no inline code. */
(function () {
  "use strict";
  var root = document.getElementById("visit-form");
  if (!root) return;
  var key = "shian-visit-" + root.dataset.visit;
  var statusEl = document.getElementById("sync-status");
  var errorsEl = document.getElementById("visit-errors");
  var csrf = root.querySelector("input[name=csrfmiddlewaretoken]").value;
  var position = null;
  var draft = load() || { answers: {}, photos: [], notes: null, person_in_charge: null, signature: null, pending: false, submit: false };

  function load() {
    try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }
  function store() {
    try { localStorage.setItem(key, JSON.stringify(draft)); return true; }
    catch (e) { show("本机存储已满：请联网后暂存，照片将先上传", "offline"); return false; }
  }
  function show(text, css) {
    statusEl.textContent = text;
    statusEl.className = "small mt-1 " + (css || "");
  }
  function uid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }
  function items() { return root.querySelectorAll(".visit-item"); }

  // Restore a local draft over what the server rendered: it is never older than the last sync.
  function restore() {
    items().forEach(function (card) {
      var id = card.dataset.item, a = draft.answers[id];
      if (!a) return;
      if (a.result) {
        var radio = card.querySelector("input[value=" + a.result + "]");
        if (radio) radio.checked = true;
      }
      if (a.note != null) card.querySelector(".item-note").value = a.note;
    });
    draft.photos.forEach(function (p) { thumb(p); });
    if (draft.notes != null) document.getElementById("visit-notes").value = draft.notes;
    if (draft.person_in_charge != null) document.getElementById("visit-person").value = draft.person_in_charge;
    if (draft.signature) {
      var img = new Image();
      img.onload = function () { pad.getContext("2d").drawImage(img, 0, 0); };
      img.src = draft.signature;
    }
  }

  function collect() {
    items().forEach(function (card) {
      var checked = card.querySelector("input[type=radio]:checked");
      var note = card.querySelector(".item-note").value;
      if (checked || note) draft.answers[card.dataset.item] = { result: checked ? checked.value : "", note: note };
    });
    draft.notes = document.getElementById("visit-notes").value;
    draft.person_in_charge = document.getElementById("visit-person").value;
  }

  function progress() {
    var done = 0, total = items().length;
    items().forEach(function (card) { if (card.querySelector("input[type=radio]:checked")) done += 1; });
    return "已填 " + done + "/" + total + " 项";
  }

  function changed() {
    collect();
    if (store()) show(progress() + " · 已保存在本机" + (navigator.onLine ? "" : "（离线）"), navigator.onLine ? "" : "offline");
  }
  root.addEventListener("change", changed);
  root.addEventListener("input", function (e) { if (e.target.tagName === "TEXTAREA" || e.target.tagName === "INPUT") changed(); });

  // ------------------------------------------------------------------ location and photos
  function locate(done) {
    if (!navigator.geolocation) { if (done) done(); return; }
    navigator.geolocation.getCurrentPosition(function (p) {
      position = { lat: p.coords.latitude.toFixed(6), lng: p.coords.longitude.toFixed(6) };
      if (done) done();
    }, function () { if (done) done(); }, { enableHighAccuracy: true, timeout: 5000, maximumAge: 60000 });
  }
  locate();

  function pad2(n) { return (n < 10 ? "0" : "") + n; }
  function stamp(d) {
    return d.getFullYear() + "-" + pad2(d.getMonth() + 1) + "-" + pad2(d.getDate()) + " " +
      pad2(d.getHours()) + ":" + pad2(d.getMinutes()) + ":" + pad2(d.getSeconds());
  }

  function watermark(img, when) {
    var max = 1280, scale = Math.min(1, max / Math.max(img.width, img.height));
    var canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(img.width * scale));
    canvas.height = Math.max(1, Math.round(img.height * scale));
    var ctx = canvas.getContext("2d");
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    var size = Math.max(14, Math.round(canvas.width / 32));
    var lines = [root.dataset.business, stamp(when),
      position ? ("位置 " + position.lat + ", " + position.lng) : "位置未获取"];
    var h = lines.length * (size + 6) + 10;
    ctx.fillStyle = "rgba(0,0,0,0.45)";
    ctx.fillRect(0, canvas.height - h, canvas.width, h);
    ctx.fillStyle = "#fff";
    ctx.font = size + "px sans-serif";
    lines.forEach(function (t, i) { ctx.fillText(t, 10, canvas.height - h + (i + 1) * (size + 6)); });
    return canvas.toDataURL("image/jpeg", 0.8);
  }

  function thumb(p) {
    var card = root.querySelector('.visit-item[data-item="' + p.item + '"]');
    if (!card) return;
    var img = document.createElement("img");
    img.className = "visit-thumb local-photo";
    img.alt = "待上传照片";
    img.src = p.data;
    card.querySelector(".photo-list").appendChild(img);
  }

  root.addEventListener("change", function (e) {
    if (!e.target.classList.contains("photo-input") || !e.target.files.length) return;
    var input = e.target, file = input.files[0];
    var card = input.closest(".visit-item"), when = new Date();
    var reader = new FileReader();
    reader.onload = function () {
      var img = new Image();
      img.onload = function () {
        locate(function () {
          var p = { id: uid(), item: card.dataset.item, data: watermark(img, when), taken_at: when.toISOString(),
            lat: position ? position.lat : null, lng: position ? position.lng : null };
          draft.photos.push(p);
          thumb(p);
          changed();
        });
      };
      img.src = reader.result;
    };
    reader.readAsDataURL(file);
    input.value = "";
  });

  // ------------------------------------------------------------------------- signature
  var pad = document.getElementById("signature"), drawing = false, signed = false;
  var pctx = pad.getContext("2d");
  pctx.lineWidth = 3; pctx.lineCap = "round"; pctx.strokeStyle = "#111";
  function point(e) {
    var r = pad.getBoundingClientRect();
    return { x: (e.clientX - r.left) * pad.width / r.width, y: (e.clientY - r.top) * pad.height / r.height };
  }
  pad.addEventListener("pointerdown", function (e) { drawing = true; var p = point(e); pctx.beginPath(); pctx.moveTo(p.x, p.y); e.preventDefault(); });
  pad.addEventListener("pointermove", function (e) { if (!drawing) return; var p = point(e); pctx.lineTo(p.x, p.y); pctx.stroke(); signed = true; });
  function endStroke() {
    if (!drawing) return;
    drawing = false;
    if (signed) { draft.signature = pad.toDataURL("image/png"); changed(); }
  }
  pad.addEventListener("pointerup", endStroke);
  pad.addEventListener("pointerleave", endStroke);
  document.getElementById("signature-clear").addEventListener("click", function () {
    pctx.clearRect(0, 0, pad.width, pad.height); draft.signature = null; signed = false; changed();
  });

  // ---------------------------------------------------------------------------- sending
  var sending = false;
  function send(submit) {
    collect();
    draft.submit = !!submit;
    draft.pending = true;
    store();
    errorsEl.innerHTML = "";
    if (!navigator.onLine) {
      show("网络已断开：检查结果已保存在本机，联网后自动" + (submit ? "提交" : "暂存"), "offline");
      return;
    }
    if (sending) return;
    sending = true;
    show("正在" + (submit ? "提交" : "暂存") + "……", "pending");
    fetch(root.dataset.syncUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(draft)
    }).then(function (r) {
      return r.json().then(function (j) { return { ok: r.ok, body: j }; });
    }).then(function (res) {
      sending = false;
      if (!res.ok) {
        draft.pending = false; draft.submit = false; store();
        (res.body.errors || ["提交失败"]).forEach(function (m) {
          var li = document.createElement("li"); li.textContent = m; errorsEl.appendChild(li);
        });
        show("未能" + (submit ? "提交" : "暂存") + "，请按提示补充", "offline");
        return;
      }
      var uploaded = res.body.photos || [];
      draft.photos = draft.photos.filter(function (p) { return uploaded.indexOf(p.id) < 0; });
      draft.signature = null;
      draft.pending = false;
      if (res.body.status === "submitted") {
        localStorage.removeItem(key);
        show("已提交，得分 " + (res.body.score || "—"), "synced");
        window.location.href = res.body.url;
        return;
      }
      store();
      show(progress() + " · 已暂存到服务器", "synced");
    }).catch(function () {
      sending = false;
      show("网络不可用：检查结果已保存在本机，联网后自动" + (submit ? "提交" : "暂存"), "offline");
    });
  }
  document.getElementById("visit-save").addEventListener("click", function () { send(false); });
  document.getElementById("visit-submit").addEventListener("click", function () { send(true); });
  window.addEventListener("online", function () { if (draft.pending) send(draft.submit); });
  window.addEventListener("offline", function () { show(progress() + " · 网络已断开，继续填写会保存在本机", "offline"); });
  setInterval(function () { if (draft.pending && navigator.onLine && !sending) send(draft.submit); }, 10000);

  restore();
  if (draft.pending && navigator.onLine) send(draft.submit);
})();
