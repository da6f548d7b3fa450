# bash completion for stampede: `stampede <TAB>` completes the commands,
# `stampede run --<TAB>` a command's options (read from its --help, so
# they are always the binary's own), option values where they are words
# (--format, --log-x, --log-y), directories for --out, nothing for a
# value of the user's (--budget, --max-p99-ms), and scenario files — the
# *.json files and directories here, and the names of the library's
# scenarios (share/stampede/scenarios beside the binary) — for the
# commands that take one. Installed by `make install` as
# PREFIX/share/bash-completion/completions/stampede.

# The library of scenarios beside the stampede found on PATH.
_stampede_library() {
    local bin dir
    bin=$(command -v stampede 2>/dev/null) || return
    bin=$(readlink -f "$bin" 2>/dev/null || echo "$bin")
    for dir in "${bin%/*}/../share/stampede/scenarios" "${bin%/*}/../scenarios"; do
        if [ -d "$dir" ]; then
            printf '%s\n' "$dir"
            return
        fi
    done
}

# The commands, from `stampede --help`.
_stampede_commands() {
    stampede --help 2>/dev/null |
        awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { exit }'
}

# The options of a command, from its --help.
_stampede_options() {
    stampede "$1" --help 2>/dev/null | grep -o -- '--[a-z][a-z0-9-]*' | sort -u
}

_stampede() {
    local cur prev cmd lib name
    COMPREPLY=()
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    if [ "$COMP_CWORD" -eq 1 ]; then
        COMPREPLY=($(compgen -W "$(_stampede_commands) --help --version" -- "$cur"))
        return
    fi
    cmd=${COMP_WORDS[1]}
    case $prev in
        --format) COMPREPLY=($(compgen -W "text json csv markdown" -- "$cur")); return ;;
        --log-x|--log-y) COMPREPLY=($(compgen -W "auto on off" -- "$cur")); return ;;
        --out|--calibration) COMPREPLY=($(compgen -d -- "$cur")); return ;;
        --set|--vary|--policy|--seed|--reps|-j|--max|--min|--range|--knob|\
        --cost|--budget|--max-*|--min-*|--unit|--section|--seconds|--plot-timeout)
            # a value of the user's: nothing to offer
            return ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(_stampede_options "$cmd")" -- "$cur"))
        return
    fi
    case $cmd in
        run|sweep|calibrate|check)
            # scenario files and the folders that may hold them, then the
            # library's scenarios by name
            COMPREPLY=($(compgen -f -X '!*.json' -- "$cur") $(compgen -d -S / -- "$cur"))
            lib=$(_stampede_library)
            if [ -n "$lib" ] && [[ $cur != */* ]]; then
                for name in "$lib"/*.json; do
                    [ -e "$name" ] || continue
                    name=${name##*/}
                    name=${name%.json}
                    [[ $name == "$cur"* ]] && COMPREPLY+=("$name")
                done
            fi
            ;;
        plot|compare|report)
            COMPREPLY=($(compgen -d -S / -- "$cur")) ;;
        fit|init)
            COMPREPLY=($(compgen -f -- "$cur")) ;;
    esac
    # a folder completes without a space after it, to go on into it
    if [ ${#COMPREPLY[@]} -eq 1 ] && [[ ${COMPREPLY[0]} == */ ]]; then
        compopt -o nospace 2>/dev/null
    fi
}
complete -F _stampede stampede
