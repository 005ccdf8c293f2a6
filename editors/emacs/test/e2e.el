;;; e2e.el --- End-to-end test of gomodls in Emacs with Eglot  -*- lexical-binding: t; -*-

;; emacs --batch -l editors/emacs/test/e2e.el
;;
;; Starts the fixture proxy, opens a fixture go.mod in Emacs through
;; editors/emacs/gomodls.el, connects Eglot, waits for the server's
;; diagnostics in Flymake and checks codes and positions, asks for a hover,
;; applies a quick fix with Eglot's own workspace-edit code and compares
;; the buffer, then checks go.sum gets its diagnostics too.  Any mismatch
;; or timeout exits non-zero.
;;
;; Environment: GOMODLS_E2E_ROOT (repository root, default: current
;; directory), GOMODLS_E2E_SERVER (the gomodls binary),
;; GOMODLS_E2E_FIXTUREPROXY (the fixtureproxy binary),
;; GOMODLS_E2E_TIMEOUT (seconds per wait, default 20).

;;; Code:

(require 'cl-lib)
(require 'json)
(require 'subr-x)

(defvar e2e-root (file-name-as-directory (or (getenv "GOMODLS_E2E_ROOT") default-directory)))
(defvar e2e-timeout (string-to-number (or (getenv "GOMODLS_E2E_TIMEOUT") "20")))
(defvar e2e-start (float-time))
(defvar e2e-passed 0)
(defvar e2e-cleanups nil)
(defvar e2e-server-log nil "The server's log file, shown on failure.")

(defun e2e-log (fmt &rest args)
  (princ (format "[%6.2fs] %s\n" (- (float-time) e2e-start) (apply #'format fmt args))))

(defun e2e-check (cond fmt &rest args)
  (unless cond
    (error "%s" (apply #'format fmt args)))
  (cl-incf e2e-passed))

(defun e2e-wait (what pred)
  "Process input until PRED returns non-nil, or fail after `e2e-timeout'."
  (let ((deadline (+ (float-time) e2e-timeout)) v)
    (while (and (not (setq v (funcall pred))) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (unless v
      (error "Timed out after %ss waiting for %s" e2e-timeout what))
    v))

(defun e2e-write (file text)
  (with-temp-file file (insert text)))

(defconst e2e-gomod
  (concat "module example.com/hello\n\ngo 1.22\n\nrequire (\n"
          "\tgolang.org/x/text v0.20.0\n\tgolang.org/x/mod v0.20\n)\n\n"
          "replace golang.org/x/text => ./missing\n"))

(defconst e2e-gomod-fixed
  (concat "module example.com/hello\n\ngo 1.22\n\nrequire (\n"
          "\tgolang.org/x/text v0.20.0\n\tgolang.org/x/mod v0.20\n)\n\n"))

(defun e2e-start-proxy (bin)
  "Run the fixture proxy BIN; return its description as an alist."
  (let* ((buf (generate-new-buffer " *fixtureproxy*"))
         (proc (make-process :name "fixtureproxy" :buffer buf :command (list bin)
                             :connection-type 'pipe :noquery t
                             :stderr (get-buffer-create " *fixtureproxy-stderr*"))))
    ;; Closing its stdin makes it exit and remove its temporary GOPATH.
    (push (lambda ()
            (when (process-live-p proc)
              (process-send-eof proc)
              (let ((deadline (+ (float-time) 5)))
                (while (and (process-live-p proc) (< (float-time) deadline))
                  (accept-process-output proc 0.05)))))
          e2e-cleanups)
    (e2e-wait "the fixture proxy"
              (lambda () (with-current-buffer buf
                           (save-excursion (goto-char (point-min)) (search-forward "\n" nil t)))))
    (with-current-buffer buf
      (goto-char (point-min))
      (let ((json-object-type 'alist) (json-key-type 'string) (json-array-type 'list))
        (json-read)))))

(defun e2e-diags (code)
  "The Flymake diagnostics of the current buffer whose text names CODE."
  (cl-remove-if-not (lambda (d) (string-match-p (regexp-quote (format "[%s]" code)) (flymake-diagnostic-text d)))
                    (flymake-diagnostics)))

(defun e2e-wait-diag (code)
  (e2e-wait (format "a %s diagnostic in %s" code (buffer-name))
            (lambda () (flymake-start) (car (e2e-diags code)))))

(defun e2e-pos (pos)
  "POS as (LINE . COLUMN), both zero-based as in LSP (ASCII fixture)."
  (save-excursion
    (goto-char pos)
    (cons (1- (line-number-at-pos)) (- pos (line-beginning-position)))))

(defun e2e-check-range (d code start end)
  (let ((got (list (e2e-pos (flymake-diagnostic-beg d)) (e2e-pos (flymake-diagnostic-end d)))))
    (e2e-check (equal got (list start end)) "%s at %S, want %S" code got (list start end))
    (e2e-check (eq (flymake-diagnostic-type d) 'eglot-error) "%s has type %s, want eglot-error"
               code (flymake-diagnostic-type d))))

(defun e2e-describe ()
  (mapconcat (lambda (d) (format "%S-%S %s" (e2e-pos (flymake-diagnostic-beg d))
                                 (e2e-pos (flymake-diagnostic-end d)) (flymake-diagnostic-text d)))
             (flymake-diagnostics) "\n  "))

(defun e2e-connect ()
  "Connect Eglot as `eglot-ensure' does after the first command: only
if no server of the project manages the buffer's mode already."
  (unless (bound-and-true-p eglot--managed-mode)
    (apply #'eglot--connect (eglot--guess-contact)))
  (e2e-wait (format "Eglot to manage %s" (buffer-name))
            (lambda () (and (bound-and-true-p eglot--managed-mode) (eglot-current-server)))))

(defun e2e-main ()
  (let* ((server-bin (or (getenv "GOMODLS_E2E_SERVER") (error "Set GOMODLS_E2E_SERVER")))
         (proxy-bin (or (getenv "GOMODLS_E2E_FIXTUREPROXY") (error "Set GOMODLS_E2E_FIXTUREPROXY")))
         (dir (file-name-as-directory (make-temp-file "gomodls-emacs-e2e" t)))
         (proxy (e2e-start-proxy proxy-bin)))
    (e2e-log "GNU Emacs %s, eglot %s" emacs-version
             (or (ignore-errors
                   (require 'lisp-mnt)
                   (with-temp-buffer
                     (insert-file-contents (locate-library "eglot.el"))
                     (lm-version)))
                 "?"))
    (e2e-log "fixture proxy at %s" (alist-get "proxyURL" proxy nil nil #'equal))
    (push (lambda () (delete-directory dir t)) e2e-cleanups)
    ;; The server sees only the fixture's Go environment.
    (dolist (k (alist-get "unset" proxy nil nil #'equal)) (setenv k nil))
    (dolist (kv (alist-get "env" proxy nil nil #'equal)) (setenv (car kv) (cdr kv)))
    (e2e-write (concat dir "go.mod") e2e-gomod)
    (e2e-write (concat dir "go.sum") "golang.org/x/text v0.20.0 h1:notvalid\n")

    (add-to-list 'load-path (concat e2e-root "editors/emacs"))
    (require 'gomodls)
    (setq e2e-server-log (concat dir "gomodls.log"))
    (setq gomodls-command (list server-bin "serve" "-logfile" e2e-server-log))
    (setq eglot-sync-connect t)

    ;; go.mod: diagnostics.
    (find-file (concat dir "go.mod"))
    (e2e-check (eq major-mode 'gomodls-mod-mode) "go.mod opened in %s, want gomodls-mod-mode" major-mode)
    (e2e-connect)
    (let ((server (eglot-current-server)))
      (e2e-check (equal (eglot--language-id server) "go.mod") "language id %S" (eglot--language-id server))
      (e2e-log "connected %s" (jsonrpc-name server))
      (let ((rdm (e2e-wait-diag "replace-dir-missing"))
            (iv (e2e-wait-diag "invalid-version")))
        (e2e-log "diagnostics:\n  %s" (e2e-describe))
        (e2e-check-range iv "invalid-version" '(6 . 18) '(6 . 23))
        (e2e-check-range rdm "replace-dir-missing" '(9 . 29) '(9 . 38))
        (e2e-check (string-prefix-p "gomodls [replace-dir-missing]: replacement directory ./missing"
                                    (flymake-diagnostic-text rdm))
                   "replace-dir-missing text %S" (flymake-diagnostic-text rdm))

        ;; Hover: Eglot asks for Markdown only when markdown-mode is there.
        (goto-char (point-min))
        (forward-line 5)
        (forward-char 4)
        (let* ((hover (jsonrpc-request server :textDocument/hover (eglot--TextDocumentPositionParams)))
               (contents (plist-get hover :contents))
               (value (plist-get contents :value)))
          (e2e-check (stringp value) "no hover on the require line: %S" hover)
          (e2e-check (string-match-p (regexp-quote (if (equal (plist-get contents :kind) "markdown")
                                                       "**golang.org/x/text v0.20.0**"
                                                     "golang.org/x/text v0.20.0"))
                                     value)
                     "hover (%s) lacks the module title:\n%s" (plist-get contents :kind) value)
          (e2e-log "hover (%s): %s" (plist-get contents :kind) (replace-regexp-in-string "\n+" " | " value)))

        ;; Quick fix, as M-x eglot-code-actions would apply it.
        (let* ((actions (eglot-code-actions (flymake-diagnostic-beg rdm) (flymake-diagnostic-end rdm) "quickfix"))
               (fix (cl-find "Remove this replace" actions :key (lambda (a) (plist-get a :title)) :test #'equal)))
          (e2e-check fix "no \"Remove this replace\" among %S" (mapcar (lambda (a) (plist-get a :title)) actions))
          (eglot--apply-workspace-edit (plist-get fix :edit))
          (e2e-log "applied %S" (plist-get fix :title)))
        (e2e-check (equal (buffer-string) e2e-gomod-fixed) "buffer after the fix:\n%s\nwant:\n%s"
                   (buffer-string) e2e-gomod-fixed)
        (e2e-wait "replace-dir-missing to go away"
                  (lambda () (flymake-start) (and (null (e2e-diags "replace-dir-missing"))
                                                  (e2e-diags "invalid-version")))))

      ;; go.sum: its mode, the same server, and its diagnostics.
      (find-file (concat dir "go.sum"))
      (e2e-check (eq major-mode 'gomodls-sum-mode) "go.sum opened in %s, want gomodls-sum-mode" major-mode)
      (e2e-connect)
      (e2e-check (eq (eglot-current-server) server) "go.sum got another server than go.mod")
      (e2e-check (= 1 (length (gethash (eglot--current-project) eglot--servers-by-project)))
                 "%d servers for the project, want 1"
                 (length (gethash (eglot--current-project) eglot--servers-by-project)))
      (e2e-check-range (e2e-wait-diag "sum-malformed") "sum-malformed" '(0 . 26) '(0 . 37))
      (eglot-shutdown server))))

(let ((ok (condition-case err
              (progn (e2e-main) t)
            (error (princ (format "\nFAIL emacs-e2e: %s\n" (error-message-string err)))
                   (when (and e2e-server-log (file-readable-p e2e-server-log))
                     (princ (format "--- server log\n%s\n" (with-temp-buffer
                                                              (insert-file-contents e2e-server-log)
                                                              (buffer-string)))))
                   nil))))
  (dolist (f e2e-cleanups) (ignore-errors (funcall f)))
  (if ok
      (progn (e2e-log "emacs-e2e: %d passed, 0 failed" e2e-passed) (kill-emacs 0))
    (princ (format "%d passed, 1 failed\n" e2e-passed))
    (kill-emacs 1)))

;;; e2e.el ends here
