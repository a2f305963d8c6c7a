# rule: protected names cannot be created, even where they do not exist yet, by any route
. "$ATTACKS/lib.sh"
must_fail "create .bashrc in a new directory" sh -c 'mkdir -p a/b && echo x > a/b/.bashrc'
must_fail "create .zshrc with an absolute path" sh -c "echo x > $PWD/.zshrc"
must_fail "create .profile via cd" sh -c 'cd sub && touch .profile'
must_fail "create .mcp.json by rename" sh -c 'echo "{}" > m && mv m .mcp.json'
must_fail "create .gitconfig by hard link" sh -c 'echo x > g && ln g .gitconfig'
must_fail "create .ripgreprc by symlink" ln -s /dev/null .ripgreprc
must_fail "create a dangling symlink to .zprofile then write it" sh -c 'ln -s .zprofile zp 2>/dev/null; echo x > zp; test -e .zprofile'
must_fail "create a hook in .git/hooks" sh -c 'echo x > .git/hooks/post-checkout'
must_fail "create .claude/commands" mkdir -p sub/.claude/commands
must_fail "create .claude/agents" mkdir -p .claude/agents
must_fail "create .vscode in a subdirectory" mkdir -p deep/er/.vscode
must_fail "case variant .BASHRC" touch .BASHRC
must_fail "replace .git with a prepared copy" sh -c 'mkdir -p fake/hooks && echo x > fake/hooks/pre-commit && mv .git .git-old && mv fake .git'
must_fail "nested repository hooks" sh -c 'mkdir -p vendor/x/.git && mkdir vendor/x/.git/hooks'
must_fail "submodule hooks" sh -c 'mkdir -p .git/modules/m && mkdir .git/modules/m/hooks'
must_fail "modify the existing .bashrc" sh -c 'echo x >> .bashrc'
must_fail "remove the existing .bashrc" rm -f .bashrc
must_fail "modify the existing .git/config" sh -c 'echo x >> .git/config'
must_fail "create .git/config.lock then rename it over .git/config" sh -c 'echo x > .git/config.lock && mv .git/config.lock .git/config'
echo ok >> .git/index || { echo "ESCAPED?: .git/index is not writable"; escaped=1; }
done_
