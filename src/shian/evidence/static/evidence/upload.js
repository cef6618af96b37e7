// Evidence upload: drag and drop onto the zone, upload with a progress bar, errors shown in place.
(function () {
  var form = document.querySelector("[data-upload-form]");
  if (!form) return;
  var input = form.querySelector("input[type=file][name=files]");
  var zone = form.querySelector("[data-drop-zone]");
  var list = document.getElementById("file-list");
  var bar = document.getElementById("upload-progress");
  var errors = document.getElementById("upload-errors");
  var dropped = null;

  function showFiles(files) {
    list.innerHTML = "";
    Array.prototype.forEach.call(files, function (f) {
      var li = document.createElement("li");
      li.textContent = f.name + "（" + Math.max(1, Math.round(f.size / 1024)) + " KB）";
      list.appendChild(li);
    });
  }
  input.addEventListener("change", function () { dropped = null; showFiles(input.files); });
  ["dragenter", "dragover"].forEach(function (name) {
    zone.addEventListener(name, function (e) { e.preventDefault(); zone.classList.add("bg-light"); });
  });
  ["dragleave", "drop"].forEach(function (name) {
    zone.addEventListener(name, function (e) { e.preventDefault(); zone.classList.remove("bg-light"); });
  });
  zone.addEventListener("drop", function (e) {
    dropped = e.dataTransfer.files;
    try { input.files = dropped; dropped = null; } catch (err) { /* older browsers: keep our own list */ }
    showFiles(e.dataTransfer.files);
  });

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var data = new FormData(form);
    if (dropped) { data.delete("files"); Array.prototype.forEach.call(dropped, function (f) { data.append("files", f); }); }
    var xhr = new XMLHttpRequest();
    var inner = bar.querySelector(".progress-bar");
    bar.classList.remove("d-none");
    errors.classList.add("d-none");
    form.querySelector("[type=submit]").disabled = true;
    xhr.upload.addEventListener("progress", function (evt) {
      if (!evt.lengthComputable) return;
      var pct = Math.round(evt.loaded * 100 / evt.total);
      inner.style.width = pct + "%"; inner.textContent = pct + "%"; bar.setAttribute("aria-valuenow", pct);
    });
    xhr.addEventListener("load", function () {
      var body = {};
      try { body = JSON.parse(xhr.responseText); } catch (err) { body = { errors: ["上传失败（" + xhr.status + "）"] }; }
      if (xhr.status === 200 && body.redirect) { inner.textContent = "上传完成"; window.location = body.redirect; return; }
      form.querySelector("[type=submit]").disabled = false;
      bar.classList.add("d-none");
      errors.innerHTML = "";
      (body.errors || ["上传失败（" + xhr.status + "）"]).forEach(function (msg) {
        var div = document.createElement("div"); div.textContent = msg; errors.appendChild(div);
      });
      errors.classList.remove("d-none");
    });
    xhr.addEventListener("error", function () {
      form.querySelector("[type=submit]").disabled = false;
      errors.textContent = "网络错误，上传未完成，请重试"; errors.classList.remove("d-none");
    });
    xhr.open("POST", form.getAttribute("action"));
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("X-CSRFToken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    xhr.send(data);
  });
})();
