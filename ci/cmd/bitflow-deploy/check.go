package main

import "fmt"

// check validates the environment file and prints what it describes; it
// makes no AWS call.
func (c *common) check(args []string) int {
	fs := newFlags("check", c.errOut)
	c.register(fs)
	if err := parse(fs, args); err != nil {
		return exitUsage
	}
	env, err := c.load()
	if err != nil {
		fmt.Fprintln(c.errOut, err)
		return exitUsage
	}
	fmt.Fprint(c.out, env.Describe())
	return exitOK
}
