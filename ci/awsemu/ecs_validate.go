package awsemu

import (
	"regexp"
	"strconv"
	"strings"
)

// ECS rules that AWS's model cannot express (it has no length on
// containerDefinitions and no format for subnet IDs); each with the error
// ECS answers.

// maxContainersPerTaskDef is ECS's hard quota; RegisterTaskDefinition with
// more answers ClientException "Too many containers.".
const maxContainersPerTaskDef = 10

// Subnet and security group IDs: the prefix and 8 or 17 hex digits (the
// deployment guide's "subnet-xxx" placeholder is refused).
var (
	subnetIDRE        = regexp.MustCompile(`^subnet-([0-9a-f]{8}|[0-9a-f]{17})$`)
	securityGroupIDRE = regexp.MustCompile(`^sg-([0-9a-f]{8}|[0-9a-f]{17})$`)
)

// fargateMemory lists, per task cpu (CPU units), the memory sizes (MiB)
// Fargate accepts: the table of "Task CPU and memory" in the ECS developer
// guide.
var fargateMemory = map[int][]int{
	256:   {512, 1024, 2048},
	512:   steps(1024, 4096, 1024),
	1024:  steps(2048, 8192, 1024),
	2048:  steps(4096, 16384, 1024),
	4096:  steps(8192, 30720, 1024),
	8192:  steps(16384, 61440, 4096),
	16384: steps(32768, 122880, 8192),
}

func steps(from, to, step int) []int {
	var out []int
	for v := from; v <= to; v += step {
		out = append(out, v)
	}
	return out
}

// validateFargateSize checks a FARGATE task definition's cpu and memory
// ("1024" or "1 vCPU", "2048" or "2 GB") against fargateMemory.
func validateFargateSize(cpu, memory string) error {
	c, ok := taskSize(cpu, "vcpu", 1024)
	mems := fargateMemory[c]
	if !ok || mems == nil {
		return clientError("ClientException", "Invalid 'cpu' setting for task.")
	}
	m, ok := taskSize(memory, "gb", 1024)
	if !ok {
		return clientError("ClientException", "Invalid 'memory' setting for task.")
	}
	for _, v := range mems {
		if v == m {
			return nil
		}
	}
	return clientError("ClientException", "No Fargate configuration exists for given values: %s CPU, %s memory. See the Amazon ECS documentation for the valid values.", cpu, memory)
}

// taskSize reads "1024" or "<n> <unit>" (n times perUnit).
func taskSize(v, unit string, perUnit float64) (int, bool) {
	v = strings.TrimSpace(strings.ToLower(v))
	if n, err := strconv.Atoi(v); err == nil {
		return n, true
	}
	num, ok := strings.CutSuffix(v, unit)
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	if err != nil {
		return 0, false
	}
	return int(f * perUnit), true
}
