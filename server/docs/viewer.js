// Renders the server's OpenAPI document. It builds the page with DOM calls
// and textContent only, never innerHTML, so no text of the document can
// become markup, and it fetches nothing but the document itself.
"use strict";

(function () {
  var METHODS = ["get", "put", "post", "delete", "patch", "head", "options"];
  var doc = null;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") {
        node.textContent = attrs[k];
      } else {
        node.setAttribute(k, attrs[k]);
      }
    });
    (children || []).forEach(function (c) {
      if (c !== null && c !== undefined) {
        node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
      }
    });
    return node;
  }

  // inline renders `code` spans; everything else stays plain text.
  function inline(text) {
    var frag = document.createDocumentFragment();
    String(text).split("`").forEach(function (part, i) {
      frag.appendChild(i % 2 === 1 ? el("code", { text: part }) : document.createTextNode(part));
    });
    return frag;
  }

  // prose renders paragraphs separated by blank lines, and lines starting
  // with "- " as list items.
  function prose(text) {
    var frag = document.createDocumentFragment();
    if (!text) {
      return frag;
    }
    String(text).split(/\n\s*\n/).forEach(function (block) {
      var lines = block.split("\n");
      var p = null;
      var ul = null;
      lines.forEach(function (line) {
        if (line.indexOf("- ") === 0) {
          if (!ul) {
            ul = el("ul");
            frag.appendChild(ul);
          }
          ul.appendChild(el("li", {}, [inline(line.slice(2))]));
          p = null;
          return;
        }
        ul = null;
        if (!p) {
          p = el("p");
          frag.appendChild(p);
        } else {
          p.appendChild(document.createTextNode(" "));
        }
        p.appendChild(inline(line));
      });
    });
    return frag;
  }

  function refName(ref) {
    return ref.split("/").pop();
  }

  function resolve(obj) {
    var seen = 0;
    while (obj && obj.$ref && seen < 10) {
      var target = doc;
      obj.$ref.replace(/^#\//, "").split("/").forEach(function (p) {
        target = target ? target[p] : undefined;
      });
      obj = target;
      seen++;
    }
    return obj || {};
  }

  function schemaLink(name) {
    return el("a", { href: "#schema-" + name }, [el("code", { text: name })]);
  }

  // typeOf describes a schema in a few words, linking named schemas.
  function typeOf(s) {
    var frag = document.createDocumentFragment();
    if (!s) {
      frag.appendChild(document.createTextNode("any"));
      return frag;
    }
    if (s.$ref) {
      frag.appendChild(schemaLink(refName(s.$ref)));
      return frag;
    }
    var t = Array.isArray(s.type) ? s.type.join(" or ") : s.type || "any";
    if (t === "array") {
      frag.appendChild(document.createTextNode("array of "));
      frag.appendChild(typeOf(s.items));
      return frag;
    }
    if (t === "object" && s.additionalProperties && typeof s.additionalProperties === "object") {
      frag.appendChild(document.createTextNode("map of string to "));
      frag.appendChild(typeOf(s.additionalProperties));
      return frag;
    }
    var words = t;
    if (s.format) {
      words += " (" + s.format + ")";
    }
    frag.appendChild(document.createTextNode(words));
    if (s["const"] !== undefined) {
      frag.appendChild(document.createTextNode(", always "));
      frag.appendChild(el("code", { text: JSON.stringify(s["const"]) }));
    }
    if (s["enum"]) {
      frag.appendChild(document.createTextNode(", one of "));
      s["enum"].forEach(function (v, i) {
        if (i > 0) {
          frag.appendChild(document.createTextNode(", "));
        }
        frag.appendChild(el("code", { text: JSON.stringify(v) }));
      });
    }
    return frag;
  }

  function limits(s) {
    var parts = [];
    if (s.minimum !== undefined) {
      parts.push("minimum " + s.minimum);
    }
    if (s.maximum !== undefined) {
      parts.push("maximum " + s.maximum);
    }
    if (s.maxLength !== undefined) {
      parts.push("at most " + s.maxLength + " characters");
    }
    if (s["default"] !== undefined) {
      parts.push("default " + JSON.stringify(s["default"]));
    }
    return parts.length ? " (" + parts.join(", ") + ")" : "";
  }

  // propertiesTable lists an object schema's fields.
  function propertiesTable(s, caption) {
    s = resolve(s);
    var props = s.properties || {};
    var names = Object.keys(props);
    if (!names.length) {
      return el("p", {}, [typeOf(s)]);
    }
    var required = s.required || [];
    var rows = names.map(function (name) {
      var p = props[name];
      var r = resolve(p);
      var desc = p.description || (p.$ref ? "" : r.description) || "";
      return el("tr", {}, [
        el("th", { scope: "row" }, [el("code", { text: name })]),
        el("td", {}, [typeOf(p)]),
        el("td", { "class": required.indexOf(name) >= 0 ? "required" : "" }, [required.indexOf(name) >= 0 ? "yes" : "no"]),
        el("td", {}, [inline(desc + limits(p))])
      ]);
    });
    var head = el("tr", {}, ["Field", "Type", "Required", "Description"].map(function (h) {
      return el("th", { scope: "col", text: h });
    }));
    var extra = s.additionalProperties === false ? " Unknown fields are refused." : "";
    return el("table", {}, [el("caption", {}, [caption + extra]), el("thead", {}, [head]), el("tbody", {}, rows)]);
  }

  // bodySchema shows a request or response schema: its type, and for a
  // named object its fields, folded.
  function bodySchema(mediaType, schema, label) {
    var line = el("p", {}, [el("code", { text: mediaType }), ": ", typeOf(schema)]);
    var target = schema && schema.$ref ? resolve(schema) : null;
    if (!target || !target.properties) {
      if (schema && schema.description) {
        line.appendChild(document.createTextNode(" — "));
        line.appendChild(inline(schema.description));
      }
      return line;
    }
    var frag = document.createDocumentFragment();
    frag.appendChild(line);
    frag.appendChild(el("details", {}, [
      el("summary", { text: "Fields of " + refName(schema.$ref) }),
      propertiesTable(schema, label + ": " + refName(schema.$ref))
    ]));
    return frag;
  }

  function securityText(op) {
    var sec = op.security !== undefined ? op.security : doc.security || [];
    if (!sec.length) {
      return "None: anonymous.";
    }
    return sec.map(function (req) {
      var names = Object.keys(req);
      return names.length ? names.join(" + ") : "anonymous";
    }).join(", or ") + ".";
  }

  function operationId(method, path) {
    return "op-" + method + "-" + path.replace(/[^A-Za-z0-9]+/g, "-");
  }

  function renderOperation(method, path, op, pathItem) {
    var id = operationId(method, path);
    var article = el("article", { "class": "op", id: id, "aria-labelledby": id + "-h" }, [
      el("h3", { id: id + "-h" }, [
        el("span", { "class": "method method-" + method, text: method.toUpperCase() }),
        el("span", { "class": "path", text: path })
      ]),
      el("p", { "class": "summary" }, [inline(op.summary || "")])
    ]);
    article.appendChild(prose(op.description));
    article.appendChild(el("p", {}, [el("strong", { text: "Authentication: " }), securityText(op)]));

    var params = (pathItem.parameters || []).concat(op.parameters || []).map(resolve);
    if (params.length) {
      var rows = params.map(function (p) {
        return el("tr", {}, [
          el("th", { scope: "row" }, [el("code", { text: p.name })]),
          el("td", { text: p["in"] }),
          el("td", {}, [typeOf(p.schema)]),
          el("td", { "class": p.required ? "required" : "", text: p.required ? "yes" : "no" }),
          el("td", {}, [inline((p.description || resolve(p.schema).description || "") + limits(resolve(p.schema)))])
        ]);
      });
      var head = el("tr", {}, ["Name", "In", "Type", "Required", "Description"].map(function (h) {
        return el("th", { scope: "col", text: h });
      }));
      article.appendChild(el("table", {}, [el("caption", { text: "Parameters" }), el("thead", {}, [head]), el("tbody", {}, rows)]));
    }

    if (op.requestBody) {
      var rb = resolve(op.requestBody);
      article.appendChild(el("h4", { text: "Request body" + (rb.required ? " (required)" : "") }));
      Object.keys(rb.content || {}).forEach(function (mt) {
        article.appendChild(bodySchema(mt, rb.content[mt].schema, "Request"));
      });
    }

    article.appendChild(el("h4", { text: "Responses" }));
    var dl = el("dl");
    Object.keys(op.responses || {}).sort().forEach(function (status) {
      var r = resolve(op.responses[status]);
      var dd = el("dd", {}, [inline(r.description || "")]);
      Object.keys(r.content || {}).forEach(function (mt) {
        dd.appendChild(bodySchema(mt, r.content[mt].schema, "Response " + status));
      });
      dl.appendChild(el("dt", {}, [el("strong", { text: status })]));
      dl.appendChild(dd);
    });
    article.appendChild(dl);
    return article;
  }

  function render() {
    var main = document.getElementById("main");
    var toc = document.getElementById("toc");
    var info = doc.info || {};
    document.title = (info.title || "API") + " " + (info.version || "");
    document.getElementById("title").textContent = info.title || "API";
    document.getElementById("version").textContent = "Version " + (info.version || "?") + " · OpenAPI " + (doc.openapi || "?");
    main.textContent = "";

    var intro = el("section", { "aria-labelledby": "intro-h" }, [el("h2", { id: "intro-h", text: "Overview" })]);
    if (info.summary) {
      intro.appendChild(el("p", {}, [inline(info.summary)]));
    }
    intro.appendChild(prose(info.description));
    main.appendChild(intro);

    var schemes = (doc.components || {}).securitySchemes || {};
    if (Object.keys(schemes).length) {
      var sec = el("section", { "aria-labelledby": "security-h" }, [el("h2", { id: "security-h", text: "Authentication schemes" })]);
      var sdl = el("dl");
      Object.keys(schemes).forEach(function (name) {
        var s = schemes[name];
        var where = s.type === "http" ? "HTTP " + s.scheme + (s.bearerFormat ? " (" + s.bearerFormat + ")" : "") : s.type + " in " + s["in"] + " " + s.name;
        sdl.appendChild(el("dt", {}, [el("code", { text: name }), " — " + where]));
        sdl.appendChild(el("dd", {}, [inline(s.description || "")]));
      });
      sec.appendChild(sdl);
      main.appendChild(sec);
    }

    var tags = (doc.tags || []).map(function (t) { return t.name; });
    var byTag = {};
    Object.keys(doc.paths || {}).forEach(function (path) {
      var item = doc.paths[path];
      METHODS.forEach(function (m) {
        if (!item[m]) {
          return;
        }
        var tag = (item[m].tags || ["other"])[0];
        if (tags.indexOf(tag) < 0) {
          tags.push(tag);
        }
        (byTag[tag] = byTag[tag] || []).push({ method: m, path: path, op: item[m], item: item });
      });
    });
    tags.forEach(function (tag) {
      var ops = byTag[tag] || [];
      if (!ops.length) {
        return;
      }
      var meta = (doc.tags || []).filter(function (t) { return t.name === tag; })[0] || {};
      var section = el("section", { "class": "tag", "aria-labelledby": "tag-" + tag }, [el("h2", { id: "tag-" + tag, text: tag })]);
      if (meta.description) {
        section.appendChild(el("p", {}, [inline(meta.description)]));
      }
      ops.forEach(function (o) {
        var article = renderOperation(o.method, o.path, o.op, o.item);
        section.appendChild(article);
        var link = el("a", { href: "#" + article.id }, [
          el("span", { "class": "method method-" + o.method, text: o.method.toUpperCase() }),
          el("span", { "class": "path", text: o.path })
        ]);
        var li = el("li", {}, [link]);
        li.dataset.search = (o.method + " " + o.path + " " + (o.op.summary || "") + " " + tag).toLowerCase();
        toc.appendChild(li);
        article.dataset.search = li.dataset.search;
      });
      main.appendChild(section);
    });

    var schemas = (doc.components || {}).schemas || {};
    var sch = el("section", { "class": "tag", "aria-labelledby": "schemas-h" }, [el("h2", { id: "schemas-h", text: "Schemas" })]);
    Object.keys(schemas).sort().forEach(function (name) {
      var s = schemas[name];
      var box = el("article", { "class": "op", id: "schema-" + name, "aria-labelledby": "schema-" + name + "-h" }, [
        el("h3", { id: "schema-" + name + "-h" }, [el("code", { text: name })])
      ]);
      box.appendChild(prose(s.description));
      box.appendChild(propertiesTable(s, name));
      sch.appendChild(box);
    });
    main.appendChild(sch);

    document.getElementById("filter").addEventListener("input", function (ev) {
      var q = ev.target.value.trim().toLowerCase();
      document.querySelectorAll("[data-search]").forEach(function (node) {
        node.hidden = q !== "" && node.dataset.search.indexOf(q) < 0;
      });
    });
    if (location.hash) {
      var target = document.getElementById(location.hash.slice(1));
      if (target) {
        target.scrollIntoView();
      }
    }
  }

  function fail(message) {
    var status = document.getElementById("status");
    status.textContent = "The API description could not be loaded: " + message;
  }

  document.addEventListener("DOMContentLoaded", function () {
    fetch("openapi.json", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (resp) {
        if (!resp.ok) {
          throw new Error("HTTP " + resp.status);
        }
        return resp.json();
      })
      .then(function (d) {
        doc = d;
        render();
      })
      .catch(function (err) {
        fail(err.message);
      });
  });
})();
