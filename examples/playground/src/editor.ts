// The code editor: CodeMirror 6 with TypeScript highlighting, history, bracket matching, and the
// lint extension used only to show a JitError where it is (an underline, a gutter marker and the
// message on hover), set from outside with showError/clearError.
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { javascript } from "@codemirror/lang-javascript";
import { bracketMatching, defaultHighlightStyle, indentOnInput, syntaxHighlighting } from "@codemirror/language";
import { lintGutter, setDiagnostics, type Diagnostic } from "@codemirror/lint";
import { EditorState } from "@codemirror/state";
import { drawSelection, EditorView, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers } from "@codemirror/view";

export interface CodeEditor {
  readonly view: EditorView;
  getCode(): string;
  setCode(code: string): void;
  /** Marks line:column (1-based) with `message`: from that column to the end of the word or token there. */
  showError(line: number, column: number, message: string): void;
  clearError(): void;
}

const theme = EditorView.theme({
  "&": { fontSize: "13.5px", height: "100%" },
  ".cm-scroller": { fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace", lineHeight: "1.5" },
  ".cm-gutters": { backgroundColor: "#f6f7f9", borderRight: "1px solid #e3e6ea", color: "#9aa1ab" },
  ".cm-activeLine": { backgroundColor: "#f3f6fb" },
  ".cm-activeLineGutter": { backgroundColor: "#e9eef6" },
});

export function createEditor(parent: HTMLElement, code: string, label: string, onChange: (code: string) => void): CodeEditor {
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: code,
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        highlightActiveLine(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        javascript({ typescript: true }),
        lintGutter(),
        keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
        EditorState.tabSize.of(2),
        EditorView.lineWrapping,
        theme,
        EditorView.contentAttributes.of({ "aria-label": label, spellcheck: "false" }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) onChange(update.state.doc.toString());
        }),
      ],
    }),
  });

  return {
    view,
    getCode: () => view.state.doc.toString(),
    setCode(next: string) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: next } });
    },
    showError(line: number, column: number, message: string) {
      const doc = view.state.doc;
      const l = doc.line(Math.min(Math.max(1, line), doc.lines));
      const from = Math.min(l.from + Math.max(0, column - 1), l.to);
      // Underline the token that starts there (a word, or one character of punctuation).
      const rest = doc.sliceString(from, l.to);
      const token = /^[\w$]+/.exec(rest)?.[0].length ?? (rest.length ? 1 : 0);
      const diagnostic: Diagnostic = { from, to: from + token, severity: "error", message, source: "jit" };
      view.dispatch(setDiagnostics(view.state, [diagnostic]));
      view.dispatch({ effects: EditorView.scrollIntoView(from, { y: "center" }) });
    },
    clearError() {
      view.dispatch(setDiagnostics(view.state, []));
    },
  };
}
