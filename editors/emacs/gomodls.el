;;; gomodls.el --- Eglot configuration for gomodls  -*- lexical-binding: t; -*-

;; Copyright 2026 The gomodls Authors.
;; SPDX-License-Identifier: BSD-3-Clause
;; The license text is in the LICENSE file next to this one.

;;; Commentary:

;; gomodls checks go.mod, go.sum and go.work against your Go environment
;; and proxies and explains why `go mod tidy' would fail.  This file
;; connects it to Eglot (Emacs 28 with the eglot package, or Emacs 29+).
;;
;; Use: put this file on `load-path' and add to your init file
;;
;;   (require 'gomodls)
;;   (add-hook 'gomodls-modes-hook #'eglot-ensure)   ; optional: start automatically
;;
;; or copy its forms into your init file.  Settings (docs/settings.md) go in
;; `eglot-workspace-configuration', e.g.
;;
;;   (setq-default eglot-workspace-configuration
;;                 '(:gomodls (:upgrades "patch")))

;;; Code:

(require 'eglot)

(defgroup gomodls nil
  "The gomodls language server for go.mod, go.sum and go.work."
  :group 'eglot)

(defcustom gomodls-command '("gomodls" "serve")
  "Command line that starts the gomodls language server."
  :type '(repeat string))

;; Major modes for the three kinds of files when no other package gives
;; one: Emacs 29+ has go-mod-ts-mode (with a tree-sitter grammar) and
;; go-mode.el has go-dot-mod-mode, but nothing has a go.sum mode.
(define-derived-mode gomodls-mod-mode prog-mode "go.mod"
  "Major mode for go.mod files, for gomodls when no Go mode is installed."
  (setq-local comment-start "// ")
  (setq-local comment-start-skip "//+[ \t]*"))

(define-derived-mode gomodls-work-mode gomodls-mod-mode "go.work"
  "Major mode for go.work files, for gomodls when no Go mode is installed.")

(define-derived-mode gomodls-sum-mode prog-mode "go.sum"
  "Major mode for go.sum and go.work.sum files.")

(add-to-list 'auto-mode-alist '("/go\\(?:\\.work\\)?\\.sum\\'" . gomodls-sum-mode))
(unless (or (fboundp 'go-mod-ts-mode) (fboundp 'go-dot-mod-mode))
  (add-to-list 'auto-mode-alist '("/go\\.mod\\'" . gomodls-mod-mode)))
(unless (or (fboundp 'go-work-ts-mode) (fboundp 'go-dot-work-mode))
  (add-to-list 'auto-mode-alist '("/go\\.work\\'" . gomodls-work-mode)))

(defvar gomodls-modes-hook nil
  "Hook run in buffers of every mode gomodls serves (see `gomodls-modes').")

(defconst gomodls-modes
  '((go-mod-ts-mode :language-id "go.mod")
    (go-dot-mod-mode :language-id "go.mod")
    (gomodls-mod-mode :language-id "go.mod")
    (go-work-ts-mode :language-id "go.work")
    (go-dot-work-mode :language-id "go.work")
    (gomodls-work-mode :language-id "go.work")
    (gomodls-sum-mode :language-id "go.sum"))
  "Major modes gomodls serves, with the LSP language id of each.")

;; One entry for all the modes, so that go.mod, go.sum and go.work of a
;; project share one server.  It goes first, ahead of Emacs 29's gopls
;; entry that also claims go.mod and go.work buffers.
(add-to-list 'eglot-server-programs
             (cons gomodls-modes (lambda (&rest _) gomodls-command)))

(dolist (m gomodls-modes)
  (add-hook (intern (format "%s-hook" (car m)))
            (lambda () (run-hooks 'gomodls-modes-hook))))

(provide 'gomodls)
;;; gomodls.el ends here
