package seed

import "strconv"

// Apps are the 14 Next.js portals, in the order of their ports 3001..3014.
var Apps = []string{
	"bitflow-admin", "university-owner", "super-admin", "principal", "college-admin", "super-academics",
	"faculty-teacher", "student", "parent", "admission-admin", "super-accountant", "college-accounts-admin",
	"college-fee-admin", "super-non-teaching-manager",
}

// Default resource names, as in the deployment guide.
const (
	Cluster           = "bitflow-cluster"
	BackendService    = "bitflow-backend"
	FrontendService   = "bitflow-frontend"
	BackendFamily     = "bitflow-backend"
	FrontendFamily    = "bitflow-frontend"
	MigrationFamily   = "bitflow-migration"
	BackendRepository = "bitflow-backend"
	BackendContainer  = "backend"
	BackendPort       = 8000
)

// AppRepository is the ECR repository of a portal: "bitflow-" + app (so the
// bitflow-admin portal lives in bitflow-bitflow-admin, as the guide's
// `bitflow-$app` loop makes it).
func AppRepository(app string) string { return "bitflow-" + app }

// AppPort is the container port of the i-th portal (0-based): 3001 + i.
func AppPort(i int) int32 { return int32(3001 + i) }

// LogGroup is the awslogs group of a task definition family.
func LogGroup(family string) string { return "/ecs/" + family }

// MigrationCommand is the migration container's command.
var MigrationCommand = []string{"php", "artisan", "migrate", "--force"}

// AppIndex is the position of app in Apps, or -1.
func AppIndex(app string) int {
	for i, a := range Apps {
		if a == app {
			return i
		}
	}
	return -1
}

func itoa(i int) string { return strconv.Itoa(i) }
