;;; eglot.el --- Emacs 28 + eglot against `pageref lsp --stdio`, in batch  -*- lexical-binding: t -*-
;; Run as: emacs -Q --batch -l test/editors/eglot.el FILE, with the README's configuration in
;; $PAGEREF_CONFIG. Collects the diagnostics eglot made of the server's, a hover and the drafted review
;; reply (the server's draftReply command), and writes them as JSON to
;; $PAGEREF_OUT; editors.test.ts checks them against the CLI. Flymake does not run in batch, so
;; the test waits on the diagnostics eglot keeps for it (`eglot--diagnostics`).

;; Debian's elpa-eglot lives outside -Q's load path.
(setq package-directory-list '("/usr/share/emacs/site-lisp/elpa"))
(package-initialize)
(require 'eglot)
(require 'json)

;; The README's configuration, as written.
(load (getenv "PAGEREF_CONFIG") nil t)

(defun pageref-out (value)
  (with-temp-file (getenv "PAGEREF_OUT") (insert (json-encode value))))

(condition-case err
    (let ((file (car command-line-args-left))
          (deadline (+ (float-time) 60)))
      (setq command-line-args-left nil)
      (find-file file)
      ;; eglot-ensure connects after the next command; batch runs none.
      (run-hooks 'post-command-hook)
      (while (and (null eglot--diagnostics) (< (float-time) deadline))
        (accept-process-output nil 0.1))
      (unless eglot--diagnostics (error "no diagnostics within 60 s"))
      (let* ((pos (split-string (getenv "PAGEREF_HOVER") ","))
             (server (eglot-current-server)))
        (goto-char (point-min))
        (forward-line (string-to-number (car pos)))
        (forward-char (string-to-number (cadr pos)))
        (let ((hover (jsonrpc-request server :textDocument/hover (eglot--TextDocumentPositionParams)))
              (reply (jsonrpc-request server :workspace/executeCommand
                                      (list :command "pageref.server.draftReply"
                                            :arguments (vector (plist-get (eglot--TextDocumentIdentifier) :uri))))))
          (pageref-out (list :diagnostics (vconcat (mapcar (lambda (d) (list :text (flymake-diagnostic-text d)
                                                                          :type (symbol-name (flymake-diagnostic-type d))
                                                                          :line (line-number-at-pos (flymake-diagnostic-beg d))))
                                                           eglot--diagnostics))
                             :hover hover
                             :reply reply)))
        (eglot-shutdown server)))
  (error (pageref-out (list :error (error-message-string err)))))
(kill-emacs 0)
