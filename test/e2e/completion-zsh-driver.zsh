# zsh -f completion-zsh-driver.zsh LINE, with SCRIPT, OUT and DUMP in the environment: types
# LINE and Tab in an interactive zsh in a pty (zpty), compsys loaded from the dump DUMP
# (compinit's own scan of fpath takes seconds) and SCRIPT sourced, and writes the matches
# compadd accepted to OUT, one per line, each with the prefix compset moved aside; then <end>.
# Used by completion.test.ts.
zmodload zsh/zpty zsh/zselect
local line=$1 chunk i
: > $OUT
zpty z zsh -f -i
zpty -w z 'PS1="> "; autoload -Uz compinit; compinit -C -d "$DUMP"; source "$SCRIPT"'
# Each compadd's accepted matches (-A) are recorded, then added as usual; calls that only
# collect (-O, -A, -D) are left alone.
zpty -w z 'compadd() { local -a hits; if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return; fi; builtin compadd -A hits "$@"; local hit; for hit in $hits; do print -r -- "$IPREFIX$hit" >> $OUT; done; builtin compadd "$@"; }'
zpty -w z '_drive_end() { print -r -- "<end>" >> $OUT; }; _drive_pre() { comppostfuncs=(_drive_end); }; compprefuncs=(_drive_pre)'
zpty -w -n z "$line"$'\t'
for (( i = 0; i < 1200; i++ )); do
  zpty -rt z chunk 2>/dev/null
  [[ "$(<$OUT)" == *'<end>'* ]] && break
  zselect -t 5
done
zpty -d z
